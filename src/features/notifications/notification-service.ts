// Drains the watcher's outbox into delivery jobs. Each event is consumed in the same store batch
// that enqueues its jobs, so a restart neither loses an event nor plans it twice. An event with
// more jobs than one atomic batch holds (Azure Tables: 100 ops; a tenant with about 100 contacts
// and channels) enqueues the jobs beyond that first, in batches of their own: a job id is
// derived from the event and the recipient, and the delivery engine takes an id it knows once, so
// a crash before the event is consumed plans it again and sends nothing twice.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import { isAwaitingCustomer, isHandledByExperts } from '../../domain/incident.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Store, WriteOp } from '../../store/store.ts';
import { StoreConflictError } from '../../store/store.ts';
import { chunks } from '../../store/chunks.ts';
import { MAX_BATCH_OPS } from '../../store/partitioned-store.ts';
import type { Outbox, OutboxEvent } from '../../watcher/outbox.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { AwaitingTracker } from './awaiting-tracker.ts';
import { planNotifications } from './plan-notifications.ts';
import type { EmailSettings } from './email-fallback.ts';

export interface NotificationServiceOptions {
  store: Store;
  outbox: Outbox;
  delivery: Delivery;
  tenants: () => readonly CustomerTenant[];
  incidents: IncidentDirectory;
  responses: ManagedResponseRepository;
  logger: Logger;
  now: Clock;
  pollIntervalMs?: number;
  /** Called after an event is planned (e.g. to refresh managed-response cards). */
  onIncidentEvent?: (event: OutboxEvent) => Promise<void>;
  /** The tenant's email fallback, if it has one. */
  emailSettingsOf?: (tenant: CustomerTenant) => EmailSettings | undefined;
}

export class NotificationService {
  readonly awaiting: AwaitingTracker;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;

  constructor(private readonly options: NotificationServiceOptions) {
    this.awaiting = new AwaitingTracker(options.store, options.incidents);
  }

  /** Plans every pending event; returns how many were consumed. */
  async processPending(): Promise<number> {
    this.#running ??= this.#process().finally(() => (this.#running = undefined));
    return this.#running;
  }

  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.processPending()
        .catch((err: unknown) => this.options.logger.error({ err }, 'notification planning failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.options.pollIntervalMs ?? 1000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #process(): Promise<number> {
    const { outbox, store, delivery, logger } = this.options;
    let consumed = 0;
    // The awaiting count per tenant, once per run: the snapshots it counts were written by the
    // polls that wrote these events, so it is the same for each of them (a poll committing
    // meanwhile writes new events, planned in the next run). Per event it read every snapshot.
    const counts = new Map<string, Promise<number>>();
    const awaitingCount = (tenantId: string) => {
      let count = counts.get(tenantId);
      if (!count) counts.set(tenantId, (count = this.awaiting.count(tenantId)));
      return count;
    };
    for (const { event, version, key } of await outbox.pending(100)) {
      const { own, jobs } = await this.#plan(event, awaitingCount);
      const consume = [...outbox.consumeOps(event, version, key), ...own];
      const ahead = Math.max(0, jobs.length - (MAX_BATCH_OPS - consume.length));
      try {
        for (const step of chunks(jobs.slice(0, ahead), MAX_BATCH_OPS)) await store.batch(step);
        await store.batch([...consume, ...jobs.slice(ahead)]);
      } catch (err) {
        if (err instanceof StoreConflictError) continue; // consumed elsewhere; look again next time
        throw err;
      }
      consumed += 1;
      delivery.wake();
      await this.options
        .onIncidentEvent?.(event)
        .catch((err: unknown) =>
          logger.warn({ err, eventId: event.id }, 'incident event hook failed'),
        );
    }
    return consumed;
  }

  async #plan(
    event: OutboxEvent,
    awaitingCountOf: (tenantId: string) => Promise<number>,
  ): Promise<{ own: WriteOp[]; jobs: WriteOp[] }> {
    const { logger, delivery, incidents, responses } = this.options;
    const tenant = this.options.tenants().find((t) => t.tenantId === event.tenantId);
    if (!tenant) {
      logger.warn(
        { eventId: event.id, tenantId: event.tenantId },
        'event for an unknown tenant dropped',
      );
      return { own: [], jobs: [] };
    }
    const current = (await incidents.get(event.tenantId, event.incidentId)) ?? event.incident;
    const response = (await responses.get(event.tenantId, event.incidentId))?.value;
    const awaitingOps = await this.awaiting.trackOps(event, current);
    const awaitingCount = await awaitingCountOf(tenant.tenantId);
    const email = this.options.emailSettingsOf?.(tenant);
    const jobs = await planNotifications(event, {
      tenant,
      current,
      response,
      awaitingCount,
      contactHasCard: async (key) => (await delivery.findDelivery(key)) !== undefined,
      now: this.options.now().toISOString(),
      ...(email ? { email } : {}),
    });
    logger.info(
      {
        eventId: event.id,
        tenantId: event.tenantId,
        incidentId: event.incidentId,
        change: event.change.type,
        jobs: jobs.length,
        handledByExperts: isHandledByExperts(current),
        awaiting: isAwaitingCustomer(current),
      },
      'incident event planned',
    );
    return { own: awaitingOps, jobs: delivery.enqueueOps(jobs) };
  }
}
