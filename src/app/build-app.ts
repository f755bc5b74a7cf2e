// The composition root: builds the whole app from the configuration and a store, without
// listening. The platform pieces (Defender clients, the incident watcher and its outbox, the
// delivery engine and its Teams messenger, the bot, the HTTP server) and the features (help,
// managed response, notifications, tenant administration, chat relay) are created here and
// nowhere else; src/main.ts listens, and tests build the same app with fakes in `deps`.
// With src/main.ts, the one place under src/ that may import bot/ and botbuilder.
import type { CloudAdapter } from 'botbuilder';
import type { Ownership } from '../cluster/ownership.ts';
import type { Request, Response, Server } from 'restify';
import { createAdapter } from '../../bot/adapter.ts';
import { createBot } from '../../bot/create-bot.ts';
import { precompileCards } from '../../cards/render-card.ts';
import { precompileActionsCard } from '../../cards/response-actions.ts';
import type { ManagedResponseBot } from '../../bot/managed-response-bot.ts';
import { ProactiveMessenger } from '../../bot/proactive-messenger.ts';
import type { Config } from '../config.ts';
import { setUpDefender } from '../defender-setup.ts';
import type { RunningEmulator } from '../emulator/emulator.ts';
import { DeliveryEngine, type DeliveryEngineOptions } from '../delivery/delivery-engine.ts';
import type { Messenger } from '../delivery/messenger.ts';
import { channelMessenger, MailMessenger, type Mailer } from '../delivery/mail-messenger.ts';
import type { RenderView } from '../delivery/perform-operation.ts';
import type { MailDirectory } from '../features/notifications/render-email.ts';
import type { DeliveryTarget } from '../delivery/delivery-job.ts';
import type { TeamsAppInstaller } from '../features/notifications/unreachable-install.ts';
import { TeamsRateGate } from '../delivery/teams-rate-gate.ts';
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
import { reportsFeature, type ReportsFeature } from '../features/reports/index.ts';
import { containmentFeature, type ContainmentFeature } from '../features/containment/index.ts';
import {
  TenantDirectory,
  tenantsFeature,
  type ContactsCommandDeps,
  type TenantsFeature,
} from '../features/tenants/index.ts';
import { Budgets } from '../platform/budgets.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { sleep as systemSleep, type Sleep } from '../platform/sleep.ts';
import { createServer, type ReadinessReport } from '../server.ts';
import { ConversationRegistry } from '../shared/conversation-registry.ts';
import { IncidentDirectory } from '../shared/incident-directory.ts';
import { ManagedResponseRepository } from '../shared/managed-response-repository.ts';
import type { Store } from '../store/store.ts';
import { IncidentWatcher, type IncidentSource } from '../watcher/incident-watcher.ts';
import { Outbox } from '../watcher/outbox.ts';
import type { Feature } from './feature.ts';
import { featureEvents, type FeatureEvents } from './feature-events.ts';
import { helpFeature } from './help-feature.ts';
import { AppMetrics } from './metrics.ts';
import type { Telemetry } from '../platform/telemetry.ts';
import { registerOwnershipMetrics } from './ownership-metrics.ts';
import { readinessCheck } from './readiness.ts';
import type { Retries } from './retries.ts';
import { tenantWork } from './tenant-work.ts';
import { seedDemoManagedResponses } from './seed-demo-managed-responses.ts';

/** What the app needs of each customer tenant's Defender (DefenderClientFactory provides it). */
export interface AppDefender extends DefenderPort {
  forTenant(tenantId: string): ReturnType<DefenderPort['forTenant']> & {
    incidents: ReturnType<DefenderPort['forTenant']>['incidents'] & IncidentSource;
    /** Proactive install for contacts (tenants that opted in); absent: contacts are parked. */
    teamsApps?: TeamsAppInstaller;
    /** Email fallback (Graph sendMail, users' mail); absent: no email is sent. */
    mail?: Mailer & MailDirectory;
  };
}

/** Timings that tests shorten; production uses each component's defaults. */
export interface AppTuning {
  delivery?: Pick<DeliveryEngineOptions, 'pollIntervalMs' | 'concurrency' | 'perTenantConcurrency'>;
  managedResponse?: ManagedResponseFeatureDeps['timings'];
  expertsApi?: { maxBodyBytes?: number };
  chat?: { trackIntervalMs?: number; maxChars?: number };
  notifications?: { pollIntervalMs?: number; reminderIntervalMs?: number };
  containment?: { periodMs?: number; intervalMs?: number };
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
  /** Teams pacing, one per process (the messenger's, warmed up on takeovers); default new. */
  teamsRateGate?: TeamsRateGate;
  tuning?: AppTuning;
  /** How `contacts` finds people (default: the conversation's roster) and installs the app. */
  tenantAdmin?: Pick<ContactsCommandDeps, 'lookupMember' | 'installApp'>;
  /** Added after the app's own features (tests: a command that fails on purpose). */
  extraFeatures?: readonly Feature[];
  /** Who owns which tenant's background work (tenant-work.ts); default from config.cluster. */
  ownership?: Ownership;
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
    reports: ReportsFeature;
    containment: ContainmentFeature;
    chat?: ChatFeature;
    /** Every feature, in order: commands, hooks and start follow it (stop goes backwards). */
    all: readonly Feature[];
  };
  readiness(): Promise<ReadinessReport>;
  /** Served on GET /metrics. */
  metrics: AppMetrics;
  /** The tenants this instance owns (their watcher, delivery, reminders run here). */
  ownership: Ownership;
  /** Starts the background work: delivery, every feature, then the watcher. */
  start(): void;
  /** Stops the background work and what buildApp started (the emulator); not the store. */
  stop(): Promise<void>;
}

export async function buildApp(config: Config, store: Store, deps: AppDeps): Promise<App> {
  const { logger } = deps;
  precompileCards();
  precompileActionsCard();
  const now = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? systemSleep;
  // Read at scrape time, once the platform exists; the clients built below report to it.
  const metrics: AppMetrics = new AppMetrics({
    health: () => platform.watcher.health(),
    listJobs: () => platform.delivery.listJobs(),
    now,
    owns: (tenantId) => work.owns(tenantId),
  });
  const setup = deps.defender
    ? undefined
    : await setUpDefender(config, deps.env ?? {}, logger, {
        now,
        sleep,
        telemetry: metrics.telemetry,
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.retries?.defender ? { retry: deps.retries.defender } : {}),
      });
  const defender: AppDefender = deps.defender ?? setup!.factory;
  const demo = deps.demo ?? Boolean(setup?.emulator);
  const directory = await TenantDirectory.open({
    store,
    configured: defender.tenants(),
    now,
    logger: logger.child({ component: 'tenants' }),
  });
  // One per process: the messenger paces with it, tenant work warms it up on each takeover.
  const rateGate = deps.teamsRateGate ?? new TeamsRateGate();
  const work = await tenantWork(config, {
    ...(deps.ownership ? { ownership: deps.ownership } : {}),
    tenants: directory.list(),
    logger: logger.child({ component: 'cluster' }),
    rateGate,
    store,
  });
  const shared: Shared = {
    config,
    store,
    deps,
    logger,
    now,
    sleep,
    defender,
    directory,
    tenants: () => [...directory.list()],
    tenantOf: (tenantId) => directory.get(tenantId),
    owns: work.owns,
    ownedTenants: () => directory.list().filter((t) => work.owns(t.tenantId)),
    conversations: new ConversationRegistry(store),
    incidents: new IncidentDirectory(store),
    responses: new ManagedResponseRepository(store),
    outbox: new Outbox(store, { owns: work.owns }),
    events: featureEvents(logger),
    // Per instance: N instances allow N times these figures.
    budgets: new Budgets(config.budgets, { logger: logger.child({ component: 'budgets' }) }),
    reach: () => Promise.resolve(false),
    render: () => Promise.resolve(undefined),
    delivered: () => undefined,
    parked: () => undefined,
    failed: () => undefined,
    telemetry: metrics.telemetry,
    rateGate,
  };
  if (demo) await seedDemoManagedResponses(shared.responses, now());
  const platform = buildPlatform(shared, metrics);
  const features = buildFeatures(shared, platform.delivery, demo);
  work.attach({
    ...platform,
    followers: [
      { gained: (tenantId) => features.managedResponse.onTenantGained(tenantId) },
      { gained: () => features.containment.wake() },
      { lost: (tenantId) => metrics.forgetTenant(tenantId) },
    ],
  });
  shared.events.setFeatures(features.all);
  const bot = createBot({
    logger,
    conversations: shared.conversations,
    now,
    organizationName: async (tenantId) => shared.tenantOf(tenantId)?.name,
    features: features.all,
    onInstalled: (record) => shared.events.dispatch('onInstalled', record),
    budget: shared.budgets,
  });
  const tenantIds = directory.list().map((t) => t.tenantId);
  registerOwnershipMetrics(metrics.registry, work.ownership, tenantIds, work.owns);
  const storeKind = config.store.engine === 'tables' ? `tables ${config.store.tableName}` : 'lowdb';
  const owner = { instanceId: work.ownership.instanceId, owns: work.owns };
  const readiness = readinessCheck(store, platform.watcher, owner, storeKind);
  const server = createServer({
    logger,
    processActivity: (req: Request, res: Response) =>
      platform.adapter.process(req, res, (context) => bot.run(context)),
    registrars: [
      (s: Server) => metrics.register(s, config.metricsToken),
      ...features.all.flatMap((f) => (f.routes ? [(s: Server) => f.routes?.(s)] : [])),
    ],
    readiness,
  });
  const { delivery, watcher } = platform;
  return {
    ...platform,
    server,
    bot,
    outbox: shared.outbox,
    defender,
    ...(setup?.emulator ? { emulator: setup.emulator } : {}),
    ...(setup?.tenantsFile ? { tenantsFile: setup.tenantsFile } : {}),
    directory,
    conversations: shared.conversations,
    incidents: shared.incidents,
    responses: shared.responses,
    features,
    readiness,
    metrics,
    ownership: work.ownership,
    start() {
      delivery.start();
      for (const feature of features.all) feature.start?.();
      watcher.start();
      void work.start(); // until storage answers, logging each failure (tenant-work.ts)
    },
    async stop() {
      await work.stop();
      await watcher.stop();
      for (const feature of [...features.all].reverse()) await feature.stop?.();
      await delivery.stop();
      await setup?.emulator?.close();
    },
  };
}

/** What every part of the app is built from. */
interface Shared {
  config: Config;
  store: Store;
  deps: AppDeps;
  logger: Logger;
  now: Clock;
  sleep: Sleep;
  defender: AppDefender;
  directory: TenantDirectory;
  tenants: () => CustomerTenant[];
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  /** Whether this instance does the tenant's background work (tenant-work.ts). */
  owns: (tenantId: string) => boolean;
  ownedTenants: () => CustomerTenant[];
  conversations: ConversationRegistry;
  incidents: IncidentDirectory;
  responses: ManagedResponseRepository;
  outbox: Outbox;
  events: FeatureEvents;
  /** Messages, clicks and Graph look-ups per user and tenant. */
  budgets: Budgets;
  /** The delivery engine's tryReach (proactive install); set once the features exist. */
  reach: (target: DeliveryTarget) => Promise<boolean>;
  /** The delivery engine's render (views rendered when sent); set once the features exist. */
  render: RenderView;
  /** The delivery engine's onDelivered / onParked (who was reached); set with the features. */
  delivered: NonNullable<DeliveryEngineOptions['onDelivered']>;
  parked: NonNullable<DeliveryEngineOptions['onParked']>;
  failed: NonNullable<DeliveryEngineOptions['onFailed']>;
  /** GET /metrics' counters (429s, retries, delivery latency, machine actions). */
  telemetry: Telemetry;
  /** Teams pacing, shared by the messenger and tenant work. */
  rateGate: TeamsRateGate;
}

/** The Teams adapter, the delivery engine with its messenger, and the incident watcher. */
function buildPlatform(
  app: Shared,
  metrics: AppMetrics,
): Pick<App, 'adapter' | 'delivery' | 'watcher'> {
  const { config, deps, logger, now, sleep } = app;
  const random = deps.random ? { random: deps.random } : {};
  const adapter = deps.adapter ?? createAdapter(config, logger);
  const delivery = new DeliveryEngine({
    store: app.store,
    logger: logger.child({ component: 'delivery' }),
    messenger: channelMessenger(
      deps.messenger ??
        new ProactiveMessenger({
          adapter,
          appId: config.bot.appId,
          registry: app.conversations,
          logger: logger.child({ component: 'messenger' }),
          now,
          telemetry: metrics.telemetry,
          rateGate: app.rateGate,
        }),
      new MailMessenger((tenantId) => clientsOf(app.defender, tenantId)?.mail),
    ),
    onUnreachable: (target, _job, error) => app.events.dispatch('onUnreachable', target, error),
    tryReach: (target) => app.reach(target),
    render: (job) => app.render(job),
    onDelivered: (job, record, info) => app.delivered(job, record, info),
    onParked: (job, error) => app.parked(job, error),
    onFailed: (job, error) => app.failed(job, error),
    now,
    sleep,
    ...random,
    ...(deps.retries?.delivery ? { retry: deps.retries.delivery } : {}),
    ...deps.tuning?.delivery,
    telemetry: metrics.telemetry,
    owns: app.owns,
  });
  const watcher = new IncidentWatcher({
    store: app.store,
    outbox: app.outbox,
    logger: logger.child({ component: 'watcher' }),
    tenants: app.tenants,
    incidentsFor: (tenantId) => app.defender.forTenant(tenantId).incidents,
    owns: app.owns,
    onPoll: (tenantId, poll) =>
      metrics.observePoll(tenantId, poll.ok, poll.durationMs, poll.events),
    intervalMs: config.pollIntervalSeconds * 1000,
    now,
    sleep,
    ...random,
  });
  return { adapter, delivery, watcher };
}

/**
 * The features, in order: help, managed response, notifications, tenants, reports, containment,
 * chat (when on).
 */
function buildFeatures(app: Shared, delivery: DeliveryEngine, demo: boolean): App['features'] {
  const { config, deps, logger, now, store, conversations, incidents, responses } = app;
  const tuning = deps.tuning ?? {};
  const managedResponse = managedResponseFeature({
    store,
    defender: app.defender,
    delivery,
    conversations,
    incidents,
    logger: logger.child({ component: 'managed-response' }),
    now,
    sleep: app.sleep,
    telemetry: app.telemetry,
    owns: app.owns,
    expertsApi: {
      tenantId: config.experts.tenantId || undefined,
      apiKey: config.experts.apiKey || undefined,
      audience: config.experts.audience || undefined,
      issuer: config.experts.issuer || undefined,
      jwksUrl: config.experts.jwksUrl || undefined,
      requiredRole: config.experts.requiredRole,
      localMode: !config.bot.appId,
      ...tuning.expertsApi,
    },
    ...(tuning.managedResponse ? { timings: tuning.managedResponse } : {}),
    // Called per request, once `reports` below exists.
    report: (tenantId, range) => reports.forExperts(tenantId, range),
    // With the admins' changes (`highvalue add|remove`).
    highValueTags: (tenantId) => app.tenantOf(tenantId)?.highValueTags ?? [],
    notified: (tenantId, incidentId) => notifications.notified(tenantId, incidentId),
  });
  const { reminderIntervalMs, pollIntervalMs } = tuning.notifications ?? {};
  const notifications = notificationsFeature({
    store,
    outbox: app.outbox,
    delivery,
    conversations,
    tenants: app.tenants,
    tenantOf: app.tenantOf,
    incidents,
    responses,
    logger,
    now,
    onIncidentEvent: (event) => app.events.dispatch('onIncidentEvent', event),
    reminders: {
      remindAfterMs: config.reminders.remindAfterMinutes * 60_000,
      escalateAfterMs: config.reminders.escalateAfterMinutes * 60_000,
      digestHourUtc: config.reminders.digestHourUtc,
      claimPausesReminders: config.reminders.claimPausesReminders,
      claimLapseAfterMs: config.reminders.claimLapseMinutes * 60_000,
      ...(reminderIntervalMs !== undefined ? { intervalMs: reminderIntervalMs } : {}),
    },
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    proactiveInstall: {
      installerFor: (tenantId) => installerOf(app.defender, tenantId),
      botAppId: config.bot.appId,
      teamsServiceUrl: config.teamsServiceUrl,
    },
    email: {
      defaults: config.email,
      directoryFor: (tenantId) => clientsOf(app.defender, tenantId)?.mail,
    },
    ownedTenants: app.ownedTenants,
  });
  app.reach = (target) => notifications.tryReach(target);
  // Each feature's renderer answers undefined for views it does not know.
  app.render = async (job) => (await notifications.render(job)) ?? managedResponse.render(job);
  app.delivered = (job, record, info) => notifications.onDelivered(job, record, info);
  app.parked = (job, error) => notifications.onParked(job, error);
  app.failed = (job, error) => notifications.onFailed(job, error);
  const tenants = tenantsFeature({ directory: app.directory, conversations, ...deps.tenantAdmin });
  const reports = reportsFeature({
    store,
    delivery,
    tenants: app.ownedTenants,
    logger,
    sources: {
      incidents,
      responses,
      audit: (tenantId) => managedResponse.audit.list({ tenantId }),
      awaiting: async (tenantId) =>
        (await notifications.awaiting.list(tenantId)).map(({ incident, since }) => ({
          incidentId: incident.id,
          since,
        })),
      deliveries: () => delivery.listDeliveries(),
    },
    tenantOf: app.tenantOf,
    now,
  });
  const containment = containmentFeature({
    store,
    delivery,
    responses,
    incidents,
    tenants: app.ownedTenants,
    tenantOf: app.tenantOf,
    defender: app.defender,
    reminderHours: config.containment.reminderHours,
    release: (caller, ids) => managedResponse.startUndo(caller, ids),
    audit: (entry) => managedResponse.audit.append(entry),
    now,
    logger: logger.child({ component: 'containment' }),
    ...tuning.containment,
  });
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
      tenantOf: app.tenantOf,
      incidents,
      responses,
      defender: app.defender,
      budgets: app.budgets,
      logger,
      now,
      owns: app.owns,
      ...tuning.chat,
    });
  const all: Feature[] = [];
  all.push(
    helpFeature(() => all.flatMap((f) => f.commands ?? [])),
    managedResponse,
    notifications,
    tenants,
    reports,
    containment,
    ...(chat ? [chat] : []),
    ...(deps.extraFeatures ?? []),
  );
  return { managedResponse, notifications, tenants, reports, containment, chat, all };
}

function installerOf(defender: AppDefender, tenantId: string): TeamsAppInstaller | undefined {
  return clientsOf(defender, tenantId)?.teamsApps;
}

function clientsOf(
  defender: AppDefender,
  tenantId: string,
): ReturnType<AppDefender['forTenant']> | undefined {
  try {
    return defender.forTenant(tenantId);
  } catch {
    return undefined; // a tenant the file does not list
  }
}
