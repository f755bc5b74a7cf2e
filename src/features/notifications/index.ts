// Notifications, as one feature: the outbox consumer that turns each incident event into the SOC
// channel card, its threaded step and the contacts' 1:1 cards (plan-notifications.ts, cards from
// cards/); reminders, escalations and the digest (reminders.ts); the awaiting queue (`awaiting`,
// "Show all"); "I'm on it" claims (incident-claims.ts); telling admins about contacts the bot cannot reach (unreachable-reports.ts); and
// sending parked deliveries again when the app is installed (resume-deliveries.ts).
import { z } from 'zod';
import {
  withData,
  type CardActionHandler,
  type Command,
  type Feature,
  type UnreachableReason,
} from '../../app/feature.ts';
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
import { IncidentClaims } from './incident-claims.ts';
import { NotificationService } from './notification-service.ts';
import { ReminderScheduler, type ReminderOptions } from './reminders.ts';
import { reachableTargets, resumeDeliveries } from './resume-deliveries.ts';
import { UnreachableReports } from './unreachable-reports.ts';
import { ProactiveInstall, type ProactiveInstallDeps } from './unreachable-install.ts';
import type { RenderView } from '../../delivery/perform-operation.ts';
import { emailSettings, type EmailDefaults } from './email-fallback.ts';
import type { MailDirectory } from './render-email.ts';
import { viewRenderer } from './render-views.ts';
import { MailNotices, resumeParkedEmail } from './mail-notices.ts';
import type { DeliveryJob, DeliveryRecord } from '../../delivery/delivery-job.ts';
import type { RecordedFailure } from '../../delivery/delivery-schemas.ts';
import { reachReason } from '../../domain/contact-reach.ts';
import { ContactReachStore } from './contact-reach-store.ts';
import { ReachRecorder } from './reach-recorder.ts';
import { notifiedContacts } from './soc-view.ts';

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
  reminders: Pick<
    ReminderOptions,
    | 'remindAfterMs'
    | 'escalateAfterMs'
    | 'digestHourUtc'
    | 'claimPausesReminders'
    | 'claimLapseAfterMs'
  > & {
    intervalMs?: number;
  };
  /** How often the outbox is read (default 1 s). */
  pollIntervalMs?: number;
  /** Proactive install through Graph for opted-in tenants (absent: contacts are only parked). */
  proactiveInstall?: Pick<ProactiveInstallDeps, 'installerFor' | 'botAppId' | 'teamsServiceUrl'>;
  /** Email fallback: the service defaults (MAIL_FROM, the wait) and each tenant's directory. */
  email?: {
    defaults: EmailDefaults;
    directoryFor: (tenantId: string) => MailDirectory | undefined;
  };
  /** Tenants whose reminders this instance runs (their owner, src/cluster/); default all. */
  ownedTenants?: () => readonly CustomerTenant[];
}

export interface NotificationsFeature extends Feature {
  readonly name: 'notifications';
  commands: Command[];
  cardActions: {
    showAwaiting: CardActionHandler;
    claimIncident: CardActionHandler;
    releaseClaim: CardActionHandler;
  };
  service: NotificationService;
  claims: IncidentClaims;
  reminders: ReminderScheduler;
  awaiting: AwaitingTracker;
  unreachable: UnreachableReports;
  onInstalled(record: ConversationRecord): Promise<void>;
  onUnreachable(target: DeliveryTarget, reason: UnreachableReason): Promise<void>;
  /** For the delivery engine: install the app for a contact never seen (opted-in tenants). */
  tryReach(target: DeliveryTarget): Promise<boolean>;
  /** For the delivery engine: renders this feature's views (email, cards) when they are sent. */
  render: RenderView;
  /** For the delivery engine: who was reached (contact cards, emails), shown on the SOC card. */
  onDelivered(job: DeliveryJob, record: DeliveryRecord, info: { reached: boolean }): Promise<void>;
  onParked(job: DeliveryJob, error: RecordedFailure | undefined): Promise<void>;
  onFailed(job: DeliveryJob, error: RecordedFailure | undefined): Promise<void>;
  /** Who was notified of the incident and how, or why not (the Experts API shows it). */
  notified(
    tenantId: string,
    incidentId: string,
  ): Promise<{ userId: string; name: string; how: string; reached: boolean }[]>;
  start(): void;
  stop(): Promise<void>;
}

const incidentData = z.object({ incidentId: z.string().trim().min(1).max(128) });
const outOfDate = {
  title: 'This card is out of date',
  text: 'The button did not say which incident it is for. Type **awaiting** for the incidents that await you.',
};

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
  const lapseAfterMs =
    deps.reminders.claimLapseAfterMs ?? deps.reminders.remindAfterMs ?? 4 * 3_600_000;
  const defaults = deps.email?.defaults ?? { from: '', fallbackAfterMinutes: 10 };
  const settingsOf = (tenant: CustomerTenant) => emailSettings(tenant, defaults);
  const mailNotices = new MailNotices(store);
  const reach = new ContactReachStore(store);
  const recorder = new ReachRecorder({
    reach,
    delivery,
    tenantOf,
    incidents,
    refusalOf: (job) => install?.refusalOf(job.target),
    now,
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
    emailSettingsOf: settingsOf,
    ...(deps.pollIntervalMs !== undefined ? { pollIntervalMs: deps.pollIntervalMs } : {}),
  });
  const claims = new IncidentClaims({
    store,
    delivery,
    awaiting: service.awaiting,
    responses,
    tenantOf,
    now,
    logger,
    lapseAfterMs,
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
    claimLapseAfterMs: lapseAfterMs,
  });
  // The "N incidents await your action" of cards rendered when sent: counting reads every
  // snapshot of the tenant, so a burst of sends shares one count per tenant for a second.
  const counted = new Map<string, { at: number; count: Promise<number> }>();
  const viewAwaitingCount = (tenantId: string): Promise<number> => {
    const at = now().getTime();
    const known = counted.get(tenantId);
    if (known && at - known.at < 1_000) return known.count;
    const count = service.awaiting.count(tenantId);
    counted.set(tenantId, { at, count });
    count.catch(() => counted.delete(tenantId));
    return count;
  };
  const queue = {
    tenantOf,
    queueCard: (tenant: CustomerTenant) => awaitingQueueCard(tenant, service.awaiting, responses),
  };
  return {
    name: 'notifications',
    commands: [awaitingCommand(queue)],
    cardActions: {
      showAwaiting: showAwaitingAction(queue),
      claimIncident: withData(incidentData, outOfDate, (ctx, { incidentId }) =>
        claims.claim(ctx.from, incidentId),
      ),
      releaseClaim: withData(incidentData, outOfDate, (ctx, { incidentId }) =>
        claims.release(ctx.from, incidentId),
      ),
    },
    service,
    claims,
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
    render: viewRenderer({
      email: {
        tenantOf,
        settingsOf,
        incidents,
        responses,
        delivery,
        awaitingCount: viewAwaitingCount,
        directoryFor: (tenantId) => deps.email?.directoryFor(tenantId),
        teamsReason: async (tenantId, incidentId, userId) => {
          const known = await reach.get(tenantId, incidentId, userId);
          return known?.notReached && reachReason(known.notReached.code);
        },
      },
      soc: { tenantOf, incidents, responses, reach },
      contact: {
        tenantOf,
        incidents,
        responses,
        awaitingCount: viewAwaitingCount,
        activeClaim: (tenantId, incidentId) => claims.activeClaim(tenantId, incidentId),
      },
    }),
    onDelivered: (job, record, info) => recorder.delivered(job, record, info),
    onParked: (job, error) => recorder.parked(job, error),
    async notified(tenantId, incidentId) {
      const tenant = tenantOf(tenantId);
      const incident = await incidents.get(tenantId, incidentId);
      if (!tenant || !incident) return [];
      return notifiedContacts(tenant, incident, await reach.list(tenantId, incidentId));
    },
    onFailed: (job, error) =>
      recorder.parked(job, error && { ...error, code: error.code ?? 'DeliveryFailed' }),
    async onUnreachable(target, reason) {
      if (target.kind === 'email') {
        const tenant = tenantOf(target.tenantId);
        const code = reason.code ?? 'MailRefused';
        if (!tenant || !(await mailNotices.first(tenant.tenantId, code))) return;
        const from = settingsOf(tenant)?.from ?? '';
        await unreachable.report(target, { ...reason, install: { code, detail: from } });
        return;
      }
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
      // Emails parked on a refusal (permission, mailbox) are tried again on each start.
      void resumeParkedEmail(delivery, deps.logger);
    },
    async stop() {
      await service.stop();
      await reminders.stop();
    },
  };
}
