// Composition root: the only place that constructs infrastructure.
import type { Request, Response } from 'restify';
import { createAdapter } from '../bot/adapter.ts';
import { awaitingCommand, showAwaitingAction } from '../bot/commands/awaiting-command.ts';
import { contactsCommand } from '../bot/commands/contacts-command.ts';
import { socChannelCommand } from '../bot/commands/soc-channel-command.ts';
import { createChatFeature } from '../bot/chat/create-chat-feature.ts';
import { createBot } from '../bot/create-bot.ts';
import { ProactiveMessenger } from '../bot/proactive-messenger.ts';
import { loadConfig, type Config } from './config.ts';
import { setUpDefender } from './defender-setup.ts';
import { DeliveryEngine } from './delivery/delivery-engine.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { closeServer, createServer, listen } from './server.ts';
import { chatHeaderRefreshJobs } from './features/chat/chat-header-refresh.ts';
import { resolveExpertsSide } from './features/chat/experts-side.ts';
import { ConversationRegistry } from './shared/conversation-registry.ts';
import { IncidentDirectory } from './shared/incident-directory.ts';
import { ManagedResponseRepository } from './shared/managed-response-repository.ts';
import { seedDemoManagedResponses } from './app/seed-demo-managed-responses.ts';
import { awaitingQueueCard } from './features/notifications/awaiting-queue.ts';
import { NotificationService } from './features/notifications/notification-service.ts';
import { ReminderScheduler } from './features/notifications/reminders.ts';
import { createManagedResponseFeature } from './features/managed-response/managed-response-feature.ts';
import { TenantDirectory } from './features/tenants/tenant-directory.ts';
import type { CustomerTenant } from './domain/tenant.ts';
import { reachableTargets, resumeDeliveries } from './features/notifications/resume-deliveries.ts';
import { UnreachableReports } from './features/notifications/unreachable-reports.ts';
import { openLowdbStore } from './store/lowdb-store.ts';
import { IncidentWatcher } from './watcher/incident-watcher.ts';
import { Outbox } from './watcher/outbox.ts';

export interface RunningApp {
  url: string;
  emulatorUrl?: string;
  close(): Promise<void>;
}

export async function startApp(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<RunningApp> {
  const now = () => new Date();
  const store = await openLowdbStore({ dataDir: config.dataDir, logger });
  const defender = await setUpDefender(config, env, logger);
  const directory = await TenantDirectory.open({
    store,
    configured: defender.factory.tenants(),
    now,
    logger: logger.child({ component: 'tenants' }),
  });
  const tenants = () => [...directory.list()];
  const tenantOf = (tenantId: string) => directory.get(tenantId);

  const conversations = new ConversationRegistry(store);
  const incidents = new IncidentDirectory(store);
  const responses = new ManagedResponseRepository(store);
  const outbox = new Outbox(store);
  if (defender.emulator) await seedDemoManagedResponses(responses, now());
  const adapter = createAdapter(config, logger);

  const unreachable: UnreachableReports = new UnreachableReports({
    store,
    conversations,
    delivery: { enqueue: (jobs) => delivery.enqueue(jobs) },
    tenantOf,
    now,
    logger: logger.child({ component: 'notifications' }),
  });
  const delivery: DeliveryEngine = new DeliveryEngine({
    store,
    logger: logger.child({ component: 'delivery' }),
    messenger: new ProactiveMessenger({
      adapter,
      appId: config.bot.appId,
      registry: conversations,
      logger: logger.child({ component: 'messenger' }),
    }),
    onUnreachable: (target, _job, error) => unreachable.report(target, error),
  });
  const watcher = new IncidentWatcher({
    store,
    outbox,
    logger: logger.child({ component: 'watcher' }),
    tenants,
    incidentsFor: (tenantId) => defender.factory.forTenant(tenantId).incidents,
    intervalMs: config.pollIntervalSeconds * 1000,
  });
  const managedResponse = createManagedResponseFeature({
    store,
    defender: defender.factory,
    delivery,
    conversations,
    incidents,
    logger: logger.child({ component: 'managed-response' }),
    now,
    expertsApi: {
      tenantId: config.experts.tenantId || undefined,
      apiKey: config.experts.apiKey || undefined,
      audience: config.experts.audience || undefined,
      issuer: config.experts.issuer || undefined,
      jwksUrl: config.experts.jwksUrl || undefined,
      requiredRole: config.experts.requiredRole,
      localMode: !config.bot.appId,
    },
  });
  const expertsSide = resolveExpertsSide({
    tenantId: config.experts.tenantId,
    channelId: config.experts.channelId,
    demo: Boolean(defender.emulator),
  });
  const notifications = new NotificationService({
    store,
    outbox,
    delivery,
    tenants,
    incidents,
    responses,
    logger: logger.child({ component: 'notifications' }),
    now,
    onIncidentEvent: async (event) => {
      await managedResponse.refreshCopies(event.tenantId, event.incidentId);
      if (!expertsSide) return;
      const headerJobs = await chatHeaderRefreshJobs(event, {
        experts: expertsSide,
        tenantOf,
        incidents,
        responses,
        threadExists: async (key) => (await delivery.findDelivery(key)) !== undefined,
        now,
      });
      if (headerJobs.length > 0) await delivery.enqueue(headerJobs);
    },
  });
  const reminders = new ReminderScheduler({
    store,
    delivery,
    tenants,
    awaiting: notifications.awaiting,
    responses,
    logger: logger.child({ component: 'reminders' }),
    now,
    remindAfterMs: config.reminders.remindAfterMinutes * 60_000,
    escalateAfterMs: config.reminders.escalateAfterMinutes * 60_000,
    digestHourUtc: config.reminders.digestHourUtc,
  });
  const chat =
    expertsSide &&
    createChatFeature({
      store,
      delivery,
      experts: expertsSide,
      tenantOf,
      incidents,
      responses,
      defender: defender.factory,
      logger,
      now,
    });
  const queueCard = (tenant: CustomerTenant) =>
    awaitingQueueCard(tenant, notifications.awaiting, responses);

  const bot = createBot({
    logger,
    conversations,
    now,
    organizationName: async (tenantId) => tenantOf(tenantId)?.name,
    extraCommands: [
      awaitingCommand({ tenantOf, queueCard }),
      contactsCommand({ directory, conversations }),
      socChannelCommand({ directory }),
      ...(chat?.commands ?? []),
    ],
    extraCardActions: {
      ...managedResponse.cardActions,
      ...chat?.cardActions,
      showAwaiting: showAwaitingAction({ tenantOf, queueCard }),
    },
    onFreeText: chat?.onFreeText,
    onInstalled: async (record) => {
      await resumeDeliveries(delivery, reachableTargets(record, tenantOf(record.tenantId)), logger);
      await chat?.onInstalled(record);
      await unreachable.installed(record).catch((err: unknown) => {
        logger.warn({ err }, 'could not send pending unreachable reports');
      });
    },
  });

  const server = createServer({
    logger,
    processActivity: (req: Request, res: Response) =>
      adapter.process(req, res, (context) => bot.run(context)),
    registrars: [(srv) => managedResponse.registerRoutes(srv)],
    readiness: async () => {
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
    },
  });
  const port = await listen(server, config.port, config.host);
  const url = `http://localhost:${port}`;
  delivery.start();
  chat?.start();
  managedResponse.start();
  notifications.start();
  reminders.start();
  watcher.start();
  logger.info(
    {
      messagingEndpoint: `${url}/api/messages`,
      dataDir: config.dataDir,
      auth: config.bot.appId ? 'on' : 'off (local mode)',
      tenants: tenants().map((t) => t.name),
      tenantsFile: defender.tenantsFile || undefined,
      emulator: defender.emulator?.url,
    },
    'bot listening',
  );

  return {
    url,
    emulatorUrl: defender.emulator?.url,
    async close() {
      await closeServer(server);
      await watcher.stop();
      await notifications.stop();
      await reminders.stop();
      await managedResponse.stop();
      await chat?.stop();
      await delivery.stop();
      await defender.emulator?.close();
      await store.close();
    },
  };
}

/** Runs the app from the environment until SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  const app = await startApp(config, process.env, logger).catch((err: Error) => {
    logger.fatal({ err }, 'start failed');
    console.error(err.message);
    process.exit(1);
  });
  console.log(`Bot messaging endpoint: ${app.url}/api/messages`);
  if (app.emulatorUrl) console.log(`Defender XDR emulator: ${app.emulatorUrl}`);
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
