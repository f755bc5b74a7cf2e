// The composition root: builds the whole app from the configuration and a store, without
// listening. The platform pieces (Defender clients, the incident watcher and its outbox, the
// delivery engine and its Teams messenger, the bot, the HTTP server) and the features (help,
// managed response, notifications, tenant administration, chat relay) are created here and
// nowhere else; src/main.ts listens, and tests build the same app with fakes in `deps`.
// With src/main.ts, the one place under src/ that may import bot/ and botbuilder.
import type { CloudAdapter } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { createAdapter } from '../../bot/adapter.ts';
import { createBot } from '../../bot/create-bot.ts';
import type { ManagedResponseBot } from '../../bot/managed-response-bot.ts';
import { ProactiveMessenger } from '../../bot/proactive-messenger.ts';
import type { Config } from '../config.ts';
import { setUpDefender } from '../defender-setup.ts';
import type { RunningEmulator } from '../emulator/emulator.ts';
import { DeliveryEngine, type DeliveryEngineOptions } from '../delivery/delivery-engine.ts';
import type { Messenger } from '../delivery/messenger.ts';
import type { TeamsRateGate } from '../delivery/teams-rate-gate.ts';
import type { CustomerTenant } from '../domain/tenant.ts';
import { chatFeature, resolveExpertsSide, type ChatFeature } from '../features/chat/index.ts';
import {
  managedResponseFeature,
  type DefenderPort,
  type ManagedResponseFeature,
  type ManagedResponseFeatureDeps,
} from '../features/managed-response/index.ts';
import {
  notificationsFeature,
  type NotificationsFeature,
} from '../features/notifications/index.ts';
import {
  TenantDirectory,
  tenantsFeature,
  type ContactsCommandDeps,
  type TenantsFeature,
} from '../features/tenants/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { sleep as systemSleep, type Sleep } from '../platform/sleep.ts';
import { createServer, type ReadinessReport } from '../server.ts';
import { ConversationRegistry } from '../shared/conversation-registry.ts';
import { IncidentDirectory } from '../shared/incident-directory.ts';
import { ManagedResponseRepository } from '../shared/managed-response-repository.ts';
import type { Store } from '../store/store.ts';
import { IncidentWatcher, type IncidentSource } from '../watcher/incident-watcher.ts';
import { Outbox, type OutboxEvent } from '../watcher/outbox.ts';
import type { Feature } from './feature.ts';
import { helpFeature } from './help-feature.ts';
import type { Retries } from './retries.ts';
import { seedDemoManagedResponses } from './seed-demo-managed-responses.ts';

/** What the app needs of each customer tenant's Defender (DefenderClientFactory provides it). */
export interface AppDefender extends DefenderPort {
  forTenant(tenantId: string): ReturnType<DefenderPort['forTenant']> & {
    incidents: ReturnType<DefenderPort['forTenant']>['incidents'] & IncidentSource;
  };
}

/** Timings that tests shorten; production uses each component's defaults. */
export interface AppTuning {
  delivery?: Pick<DeliveryEngineOptions, 'pollIntervalMs' | 'concurrency' | 'perTenantConcurrency'>;
  managedResponse?: ManagedResponseFeatureDeps['timings'];
  expertsApi?: { maxBodyBytes?: number };
  chat?: { trackIntervalMs?: number; maxChars?: number };
  notifications?: { pollIntervalMs?: number; reminderIntervalMs?: number };
}

export interface AppDeps {
  logger: Logger;
  /** Where tenants files name their secrets (secretEnv); default none. */
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** The app's retries, configured once (see retries.ts). */
  retries?: Retries;
  /** Default: the tenants file's Defender clients, or the embedded emulator's (defender-setup.ts). */
  defender?: AppDefender;
  /** With an injected `defender`: whether it is the demo (seeded responses, demo experts side). */
  demo?: boolean;
  /** Default: a CloudAdapter for config.bot. */
  adapter?: CloudAdapter;
  /** Where deliveries go; default: the ProactiveMessenger over the adapter. */
  messenger?: Messenger;
  teamsRateGate?: TeamsRateGate;
  tuning?: AppTuning;
  /** How `contacts` finds people (default: the conversation's roster) and installs the app. */
  tenantAdmin?: Pick<ContactsCommandDeps, 'lookupMember' | 'installApp'>;
  /** Added after the app's own features (tests: a command that fails on purpose). */
  extraFeatures?: readonly Feature[];
}

export interface App {
  /** Not listening: src/main.ts (or a test) listens. */
  server: Server;
  bot: ManagedResponseBot;
  adapter: CloudAdapter;
  delivery: DeliveryEngine;
  watcher: IncidentWatcher;
  outbox: Outbox;
  defender: AppDefender;
  emulator?: RunningEmulator;
  tenantsFile?: string;
  directory: TenantDirectory;
  conversations: ConversationRegistry;
  incidents: IncidentDirectory;
  responses: ManagedResponseRepository;
  features: {
    managedResponse: ManagedResponseFeature;
    notifications: NotificationsFeature;
    tenants: TenantsFeature;
    chat?: ChatFeature;
    /** Every feature, in order: commands, hooks and start follow it (stop goes backwards). */
    all: readonly Feature[];
  };
  readiness(): Promise<ReadinessReport>;
  /** Starts the background work: delivery, every feature, then the watcher. */
  start(): void;
  /** Stops the background work and what buildApp started (the emulator); not the store. */
  stop(): Promise<void>;
}

export async function buildApp(config: Config, store: Store, deps: AppDeps): Promise<App> {
  const { logger } = deps;
  const now = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? systemSleep;
  const defenderTuning = {
    now,
    sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.retries?.defender ? { retry: deps.retries.defender } : {}),
  };
  const setup = deps.defender
    ? undefined
    : await setUpDefender(config, deps.env ?? {}, logger, defenderTuning);
  const defender: AppDefender = deps.defender ?? setup!.factory;
  const demo = deps.demo ?? Boolean(setup?.emulator);

  const directory = await TenantDirectory.open({
    store,
    configured: defender.tenants(),
    now,
    logger: logger.child({ component: 'tenants' }),
  });
  const tenants = () => [...directory.list()];
  const tenantOf = (tenantId: string): CustomerTenant | undefined => directory.get(tenantId);
  const conversations = new ConversationRegistry(store);
  const incidents = new IncidentDirectory(store);
  const responses = new ManagedResponseRepository(store);
  const outbox = new Outbox(store);
  if (demo) await seedDemoManagedResponses(responses, now());

  // Features react to platform events through these; the list is complete before any arrives.
  let features: readonly Feature[] = [];
  const dispatch = async <K extends 'onIncidentEvent' | 'onInstalled' | 'onUnreachable'>(
    hook: K,
    ...args: Parameters<NonNullable<Feature[K]>>
  ): Promise<void> => {
    for (const feature of features) {
      const handler = feature[hook] as ((...a: typeof args) => Promise<void>) | undefined;
      if (!handler) continue;
      // One feature's failure must not keep the event from the others.
      await handler.apply(feature, args).catch((err: unknown) => {
        logger.warn({ err, feature: feature.name, hook }, 'feature hook failed');
      });
    }
  };

  const adapter = deps.adapter ?? createAdapter(config, logger);
  const delivery = new DeliveryEngine({
    store,
    logger: logger.child({ component: 'delivery' }),
    messenger:
      deps.messenger ??
      new ProactiveMessenger({
        adapter,
        appId: config.bot.appId,
        registry: conversations,
        logger: logger.child({ component: 'messenger' }),
        now,
        ...(deps.teamsRateGate ? { rateGate: deps.teamsRateGate } : {}),
      }),
    onUnreachable: (target, _job, error) => dispatch('onUnreachable', target, error),
    now,
    sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.retries?.delivery ? { retry: deps.retries.delivery } : {}),
    ...deps.tuning?.delivery,
  });
  const watcher = new IncidentWatcher({
    store,
    outbox,
    logger: logger.child({ component: 'watcher' }),
    tenants,
    incidentsFor: (tenantId) => defender.forTenant(tenantId).incidents,
    intervalMs: config.pollIntervalSeconds * 1000,
    now,
    sleep,
    ...(deps.random ? { random: deps.random } : {}),
  });

  const managedResponse = managedResponseFeature({
    store,
    defender,
    delivery,
    conversations,
    incidents,
    logger: logger.child({ component: 'managed-response' }),
    now,
    sleep,
    expertsApi: {
      tenantId: config.experts.tenantId || undefined,
      apiKey: config.experts.apiKey || undefined,
      audience: config.experts.audience || undefined,
      issuer: config.experts.issuer || undefined,
      jwksUrl: config.experts.jwksUrl || undefined,
      requiredRole: config.experts.requiredRole,
      localMode: !config.bot.appId,
      ...deps.tuning?.expertsApi,
    },
    ...(deps.tuning?.managedResponse ? { timings: deps.tuning.managedResponse } : {}),
  });
  const notifications = notificationsFeature({
    store,
    outbox,
    delivery,
    conversations,
    tenants,
    tenantOf,
    incidents,
    responses,
    logger,
    now,
    onIncidentEvent: (event: OutboxEvent) => dispatch('onIncidentEvent', event),
    reminders: {
      remindAfterMs: config.reminders.remindAfterMinutes * 60_000,
      escalateAfterMs: config.reminders.escalateAfterMinutes * 60_000,
      digestHourUtc: config.reminders.digestHourUtc,
      ...(deps.tuning?.notifications?.reminderIntervalMs !== undefined
        ? { intervalMs: deps.tuning.notifications.reminderIntervalMs }
        : {}),
    },
    ...(deps.tuning?.notifications?.pollIntervalMs !== undefined
      ? { pollIntervalMs: deps.tuning.notifications.pollIntervalMs }
      : {}),
  });
  const tenantAdmin = tenantsFeature({ directory, conversations, ...deps.tenantAdmin });
  const experts = resolveExpertsSide({
    tenantId: config.experts.tenantId,
    channelId: config.experts.channelId,
    demo,
  });
  const chat =
    experts &&
    chatFeature({
      store,
      delivery,
      experts,
      tenantOf,
      incidents,
      responses,
      defender,
      logger,
      now,
      ...deps.tuning?.chat,
    });
  const listCommands = () => features.flatMap((f) => f.commands ?? []);
  features = [
    helpFeature(listCommands),
    managedResponse,
    notifications,
    tenantAdmin,
    ...(chat ? [chat] : []),
    ...(deps.extraFeatures ?? []),
  ];

  const bot = createBot({
    logger,
    conversations,
    now,
    organizationName: async (tenantId) => tenantOf(tenantId)?.name,
    features,
    onInstalled: (record) => dispatch('onInstalled', record),
  });
  const readiness = async (): Promise<ReadinessReport> => {
    const storeCheck = await store.ping().then(
      () => ({ ok: true }),
      (err: Error) => ({ ok: false, detail: err.message }),
    );
    const checks: Record<string, { ok: boolean; detail?: string }> = { store: storeCheck };
    for (const t of watcher.health()) {
      checks[`tenant:${t.name}`] = {
        ok: t.ok,
        detail: t.ok
          ? `last poll ${t.lastSuccessAt ?? 'pending'}`
          : `${t.consecutiveFailures} failed polls: ${t.lastError ?? 'unknown error'}`,
      };
    }
    // A failing tenant is reported, but the bot still serves the others.
    return { ready: storeCheck.ok, checks };
  };
  const server = createServer({
    logger,
    processActivity: (req: Request, res: Response) =>
      adapter.process(req, res, (context) => bot.run(context)),
    registrars: features.flatMap((f) => (f.routes ? [(s: Server) => f.routes?.(s)] : [])),
    readiness,
  });

  return {
    server,
    bot,
    adapter,
    delivery,
    watcher,
    outbox,
    defender,
    ...(setup?.emulator ? { emulator: setup.emulator } : {}),
    ...(setup?.tenantsFile ? { tenantsFile: setup.tenantsFile } : {}),
    directory,
    conversations,
    incidents,
    responses,
    features: { managedResponse, notifications, tenants: tenantAdmin, chat, all: features },
    readiness,
    start() {
      delivery.start();
      for (const feature of features) feature.start?.();
      watcher.start();
    },
    async stop() {
      await watcher.stop();
      for (const feature of [...features].reverse()) await feature.stop?.();
      await delivery.stop();
      await setup?.emulator?.close();
    },
  };
}
