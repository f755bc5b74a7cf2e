// Notifications, as one feature: the outbox consumer that turns each incident event into the SOC
// channel card, its threaded step and the contacts' 1:1 cards (plan-notifications.ts, cards from
// cards/); reminders, escalations and the digest (reminders.ts); the awaiting queue (`awaiting`,
// "Show all"); telling admins about contacts the bot cannot reach (unreachable-reports.ts); and
// sending parked deliveries again when the app is installed (resume-deliveries.ts).
import type { CardActionHandler, Command, Feature, UnreachableReason } from '../../app/feature.ts';
import type { DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type {
  ConversationRecord,
  ConversationRegistry,
} from '../../shared/conversation-registry.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { Store } from '../../store/store.ts';
import type { Outbox, OutboxEvent } from '../../watcher/outbox.ts';
import { awaitingCommand, showAwaitingAction } from './awaiting-command.ts';
import { awaitingQueueCard } from './awaiting-queue.ts';
import type { AwaitingTracker } from './awaiting-tracker.ts';
import { NotificationService } from './notification-service.ts';
import { ReminderScheduler, type ReminderOptions } from './reminders.ts';
import { reachableTargets, resumeDeliveries } from './resume-deliveries.ts';
import { UnreachableReports } from './unreachable-reports.ts';
import { ProactiveInstall, type ProactiveInstallDeps } from './unreachable-install.ts';

export interface NotificationsFeatureDeps {
  store: Store;
  outbox: Outbox;
  delivery: Delivery;
  conversations: ConversationRegistry;
  tenants: () => readonly CustomerTenant[];
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  incidents: IncidentDirectory;
  responses: ManagedResponseRepository;
  logger: Logger;
  now: Clock;
  /** The other features' reaction to each incident event, once its notifications are planned. */
  onIncidentEvent: (event: OutboxEvent) => Promise<void>;
  reminders: Pick<ReminderOptions, 'remindAfterMs' | 'escalateAfterMs' | 'digestHourUtc'> & {
    intervalMs?: number;
  };
  /** How often the outbox is read (default 1 s). */
  pollIntervalMs?: number;
  /** Proactive install through Graph for opted-in tenants (absent: contacts are only parked). */
  proactiveInstall?: Pick<ProactiveInstallDeps, 'installerFor' | 'botAppId' | 'teamsServiceUrl'>;
  /** Tenants whose reminders this instance runs (their owner, src/cluster/); default all. */
  ownedTenants?: () => readonly CustomerTenant[];
}

export interface NotificationsFeature extends Feature {
  readonly name: 'notifications';
  commands: Command[];
  cardActions: { showAwaiting: CardActionHandler };
  service: NotificationService;
  reminders: ReminderScheduler;
  awaiting: AwaitingTracker;
  unreachable: UnreachableReports;
  onInstalled(record: ConversationRecord): Promise<void>;
  onUnreachable(target: DeliveryTarget, reason: UnreachableReason): Promise<void>;
  /** For the delivery engine: install the app for a contact never seen (opted-in tenants). */
  tryReach(target: DeliveryTarget): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
}

export function notificationsFeature(deps: NotificationsFeatureDeps): NotificationsFeature {
  const { store, delivery, tenants, tenantOf, incidents, responses, now } = deps;
  const logger = deps.logger.child({ component: 'notifications' });
  const unreachable = new UnreachableReports({
    store,
    conversations: deps.conversations,
    delivery,
    tenantOf,
    now,
    logger,
  });
  const install =
    deps.proactiveInstall &&
    new ProactiveInstall({
      ...deps.proactiveInstall,
      store,
      conversations: deps.conversations,
      now,
      logger,
    });
  const service = new NotificationService({
    store,
    outbox: deps.outbox,
    delivery,
    tenants,
    incidents,
    responses,
    logger,
    now,
    onIncidentEvent: deps.onIncidentEvent,
    ...(deps.pollIntervalMs !== undefined ? { pollIntervalMs: deps.pollIntervalMs } : {}),
  });
  const reminders = new ReminderScheduler({
    store,
    delivery,
    tenants: deps.ownedTenants ?? tenants,
    awaiting: service.awaiting,
    responses,
    logger: deps.logger.child({ component: 'reminders' }),
    now,
    ...deps.reminders,
  });
  const queue = {
    tenantOf,
    queueCard: (tenant: CustomerTenant) => awaitingQueueCard(tenant, service.awaiting, responses),
  };
  return {
    name: 'notifications',
    commands: [awaitingCommand(queue)],
    cardActions: { showAwaiting: showAwaitingAction(queue) },
    service,
    reminders,
    awaiting: service.awaiting,
    unreachable,
    async onInstalled(record) {
      const targets = reachableTargets(record, tenantOf(record.tenantId));
      await resumeDeliveries(delivery, targets, deps.logger);
      await unreachable.installed(record).catch((err: unknown) => {
        deps.logger.warn({ err }, 'could not send pending unreachable reports');
      });
    },
    tryReach: (target) =>
      install ? install.reach(tenantOf(target.tenantId), target) : Promise.resolve(false),
    async onUnreachable(target, reason) {
      const tried = install?.takeRefusal(target);
      if (tried?.tellAdmins) {
        const refusal = { code: tried.code, detail: tried.detail };
        await unreachable.report(target, { ...reason, install: refusal });
        return;
      }
      await unreachable.report(target, reason);
    },
    start() {
      service.start();
      reminders.start();
    },
    async stop() {
      await service.stop();
      await reminders.stop();
    },
  };
}
