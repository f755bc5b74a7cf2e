// Reminders and escalation for incidents left in Awaiting Customer Action: after `remindAfterMs`
// the primary contacts get the incident card again, after `escalateAfterMs` the secondary contacts
// get it, each once per awaiting period. An optional daily digest sends each primary contact the
// awaiting queue. The jobs are enqueued in the same store batch that records them as sent (CAS on
// the awaiting record), so a restart or a second instance never plans them twice. While someone is
// on it (a claim, incident-claims.ts) reminders and escalation wait; a claim whose claimer did
// nothing for the lapse time is cleared (audited, every copy edited) and they resume. What fell
// due meanwhile goes out then: the schedule still counts from when the incident began awaiting.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import { allCustomerActionsDone } from '../../domain/actions-summary.ts';
import { isClaimActive } from '../../domain/incident-claim.ts';
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
import { claimAuditOp } from './claim-audit.ts';
import { claimCopyJobs } from './claim-copies.ts';
import { digestJob, escalationJobs, reminderJobs, type AwaitingIncident } from './reminder-jobs.ts';

export const HOUR_MS = 3_600_000;
/** Which day each contact last got the digest (so it is planned once a day, not every check). */
export const DIGESTS = 'reminderDigests';

export interface ReminderOptions {
  store: Store;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake' | 'findDelivery'>;
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
  /** CLAIM_PAUSES_REMINDERS: a claim holds back reminders and escalation (default true). */
  claimPausesReminders?: boolean;
  /** CLAIM_LAPSE_MINUTES: a claim lapses after this long without its claimer (default remindAfterMs). */
  claimLapseAfterMs?: number;
}

export interface ReminderRun {
  reminders: number;
  escalations: number;
  digests: number;
  /** Claims cleared because their claimer did nothing for the lapse time. */
  lapses: number;
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
    const run: ReminderRun = { reminders: 0, escalations: 0, digests: 0, lapses: 0 };
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
    if (run.reminders + run.escalations + run.digests + run.lapses > 0) {
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
      const { claim: stored, ...unclaimed } = item.record;
      const lapseAfter = this.#o.claimLapseAfterMs ?? this.#remindAfter;
      const claim = isClaimActive(stored, item.response, now.getTime(), lapseAfter)
        ? stored
        : undefined;
      if (claim && (this.#o.claimPausesReminders ?? true)) continue;
      const lapsed = stored !== undefined && claim === undefined ? stored : undefined;
      const waited = now.getTime() - Date.parse(item.since);
      const remind =
        waited >= this.#remindAfter &&
        item.record.remindersSent === 0 &&
        tenant.contacts.primary.length > 0;
      const escalate =
        waited >= this.#escalateAfter &&
        !item.record.escalated &&
        tenant.contacts.secondary.length > 0;
      if (!remind && !escalate && !lapsed) continue;
      const options = { awaitingCount: rows.length, now: iso, ...(claim ? { claim } : {}) };
      const state = { tenant, incident: item.incident, response: item.response, claim };
      const jobs = [
        ...(lapsed
          ? await claimCopyJobs(
              this.#o.delivery,
              { ...state, awaitingCount: rows.length },
              `lapsed-${Date.parse(lapsed.at)}`,
              iso,
            )
          : []),
        ...(remind
          ? reminderJobs(tenant, item, { ...options, n: 1, after: this.#remindAfter })
          : []),
        ...(escalate
          ? escalationJobs(tenant, item, { ...options, after: this.#escalateAfter })
          : []),
      ];
      const record: AwaitingRecord = {
        ...(lapsed ? unclaimed : item.record),
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
      const lapseAudit = lapsed
        ? [
            claimAuditOp({
              tenantId: tenant.tenantId,
              incidentId: item.incident.id,
              at: iso,
              action: 'lapsed',
              actor: { userId: 'system', name: 'Managed response service' },
              claimer: { userId: lapsed.userId, name: lapsed.name },
              detail: `no activity from ${lapsed.name} for ${Math.round(lapseAfter / 60_000)} minutes`,
            }),
          ]
        : [];
      if (await this.#commit([...this.#o.delivery.enqueueOps(jobs), recordOp, ...lapseAudit])) {
        if (remind) run.reminders += 1;
        if (escalate) run.escalations += 1;
        if (lapsed) run.lapses += 1;
        this.#o.logger.info(
          {
            tenantId: tenant.tenantId,
            incidentId: item.incident.id,
            remind,
            escalate,
            lapsed: Boolean(lapsed),
          },
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
