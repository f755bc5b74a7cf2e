// Reminders and escalation for incidents left in Awaiting Customer Action: after `remindAfterMs`
// the primary contacts get the incident card again, after `escalateAfterMs` the secondary contacts
// get it, each once per awaiting period. An optional daily digest sends each primary contact the
// awaiting queue. The jobs are enqueued in the same store batch that records them as sent (CAS on
// the awaiting record), so a restart or a second instance never plans them twice.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import { allCustomerActionsDone } from '../../domain/actions-summary.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Logger } from '../../platform/logger.ts';
import { StoreConflictError, type Store, type WriteOp } from '../../store/store.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import {
  AWAITING,
  awaitingKey,
  type AwaitingRecord,
  type AwaitingTracker,
} from './awaiting-tracker.ts';
import { digestJob, escalationJobs, reminderJobs, type AwaitingIncident } from './reminder-jobs.ts';

export const HOUR_MS = 3_600_000;
/** Which day each contact last got the digest (so it is planned once a day, not every check). */
export const DIGESTS = 'reminderDigests';

export interface ReminderOptions {
  store: Store;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake'>;
  tenants: () => readonly CustomerTenant[];
  awaiting: Pick<AwaitingTracker, 'list'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  logger: Logger;
  now: Clock;
  /** REMINDER_AFTER_MINUTES; default 4 hours. */
  remindAfterMs?: number;
  /** ESCALATE_AFTER_MINUTES; default 24 hours. */
  escalateAfterMs?: number;
  /** DIGEST_HOUR_UTC: from this hour on, once a day; undefined (default) = no digest. */
  digestHourUtc?: number;
  /** How often a started scheduler checks (default 1 minute). */
  intervalMs?: number;
}

export interface ReminderRun {
  reminders: number;
  escalations: number;
  digests: number;
}

interface DigestRecord {
  day: string;
}

export class ReminderScheduler {
  readonly #o: ReminderOptions;
  readonly #remindAfter: number;
  readonly #escalateAfter: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReminderRun> | undefined;
  #stopped = true;

  constructor(options: ReminderOptions) {
    this.#o = options;
    this.#remindAfter = options.remindAfterMs ?? 4 * HOUR_MS;
    this.#escalateAfter = options.escalateAfterMs ?? 24 * HOUR_MS;
    const hour = options.digestHourUtc;
    if (hour !== undefined && !(Number.isInteger(hour) && hour >= 0 && hour <= 23)) {
      throw new RangeError(`DIGEST_HOUR_UTC must be a whole hour from 0 to 23, not ${hour}`);
    }
  }

  /** One pass over every tenant; concurrent calls share the pass in progress. */
  checkOnce(now: Date = this.#o.now()): Promise<ReminderRun> {
    this.#running ??= this.#check(now).finally(() => (this.#running = undefined));
    return this.#running;
  }

  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.checkOnce()
        .catch((err: unknown) => this.#o.logger.error({ err }, 'reminder check failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.intervalMs ?? 60_000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #check(now: Date): Promise<ReminderRun> {
    const run: ReminderRun = { reminders: 0, escalations: 0, digests: 0 };
    for (const tenant of this.#o.tenants()) {
      try {
        await this.#checkTenant(tenant, now, run);
      } catch (err) {
        // One tenant's trouble must not hold back the others' reminders.
        this.#o.logger.error(
          { err, tenantId: tenant.tenantId },
          'reminder check of a tenant failed',
        );
      }
    }
    if (run.reminders + run.escalations + run.digests > 0) {
      this.#o.delivery.wake();
      this.#o.logger.info({ ...run }, 'reminders planned');
    }
    return run;
  }

  async #checkTenant(tenant: CustomerTenant, now: Date, run: ReminderRun): Promise<void> {
    const rows = await this.#o.awaiting.list(tenant.tenantId);
    if (rows.length === 0) return;
    const items = await Promise.all(
      rows.map(async (row) => ({
        ...row,
        response: (await this.#o.responses.get(tenant.tenantId, row.incident.id))?.value,
      })),
    );
    const iso = now.toISOString();
    for (const item of items) {
      // Nothing left to do for the customer (all completed or skipped): no reason to nag.
      if (item.response && allCustomerActionsDone(item.response.actions)) continue;
      const waited = now.getTime() - Date.parse(item.since);
      const remind =
        waited >= this.#remindAfter &&
        item.record.remindersSent === 0 &&
        tenant.contacts.primary.length > 0;
      const escalate =
        waited >= this.#escalateAfter &&
        !item.record.escalated &&
        tenant.contacts.secondary.length > 0;
      if (!remind && !escalate) continue;
      const options = { awaitingCount: rows.length, now: iso };
      const jobs = [
        ...(remind
          ? reminderJobs(tenant, item, { ...options, n: 1, after: this.#remindAfter })
          : []),
        ...(escalate
          ? escalationJobs(tenant, item, { ...options, after: this.#escalateAfter })
          : []),
      ];
      const record: AwaitingRecord = {
        ...item.record,
        remindersSent: item.record.remindersSent + (remind ? 1 : 0),
        escalated: item.record.escalated || escalate,
      };
      const recordOp: WriteOp = {
        kind: 'put',
        collection: AWAITING,
        key: awaitingKey(tenant.tenantId, item.incident.id),
        value: record,
        expectedVersion: item.version, // 0: no record yet, so create it
      };
      if (await this.#commit([...this.#o.delivery.enqueueOps(jobs), recordOp])) {
        if (remind) run.reminders += 1;
        if (escalate) run.escalations += 1;
        this.#o.logger.info(
          { tenantId: tenant.tenantId, incidentId: item.incident.id, remind, escalate },
          'awaiting incident reminded',
        );
      }
    }
    await this.#digest(tenant, items, now, run);
  }

  async #digest(
    tenant: CustomerTenant,
    items: readonly AwaitingIncident[],
    now: Date,
    run: ReminderRun,
  ): Promise<void> {
    const hour = this.#o.digestHourUtc;
    if (hour === undefined || now.getUTCHours() < hour || items.length === 0) return;
    const iso = now.toISOString();
    const day = iso.slice(0, 10);
    for (const contact of tenant.contacts.primary) {
      const key = `${tenant.tenantId.toLowerCase()}:${contact.userId.toLowerCase()}`;
      const sent = await this.#o.store.get<DigestRecord>(DIGESTS, key);
      if (sent?.value.day === day) continue;
      const value: DigestRecord = { day };
      const ops: WriteOp[] = [
        ...this.#o.delivery.enqueueOps([digestJob(tenant, contact, items, iso)]),
        { kind: 'put', collection: DIGESTS, key, value, expectedVersion: sent?.version ?? 0 },
      ];
      if (await this.#commit(ops)) run.digests += 1;
    }
  }

  /** False when another pass (or instance) got there first, or the incident moved on meanwhile. */
  async #commit(ops: WriteOp[]): Promise<boolean> {
    try {
      await this.#o.store.batch(ops);
      return true;
    } catch (err) {
      if (err instanceof StoreConflictError) return false;
      throw err;
    }
  }
}
