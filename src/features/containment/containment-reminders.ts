// The still-contained scheduler: every minute, for each completed isolation or app restriction of
// each tenant's managed responses that no undo released, make sure its reminder record exists;
// when it is due, ask Defender for Endpoint whether the device is still contained (a release in
// the portal stops the reminders), then count the round and enqueue its cards in one batch (a
// compare-and-set on the record: a restart or a second tick sends nothing more).
// A tick's signal (the feature stopping) abandons the Defender list wherever it waits (the
// tenant's rate limit, a retry, the request): that round is not counted and stays due.
import type { ContainmentEvent } from '../../domain/device-facts.ts';
import { containmentOf } from '../../domain/device-facts.ts';
import {
  asked,
  containedActions,
  isDue,
  newReminder,
  releaseOf,
  releasedActions,
  stopped,
  type ContainedAction,
  type ContainmentReminder,
} from '../../domain/containment-reminder.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { isUndo } from '../../domain/undo-action.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import {
  StoreConflictError,
  type Store,
  type VersionedRecord,
  type WriteOp,
} from '../../store/store.ts';
import { editJobs, roundJobs } from './reminder-jobs.ts';
import { ReminderStore, reminderKey } from './reminder-store.ts';

/** What the reminders need of Defender: the device's machine actions. */
export interface ContainmentDefender {
  forTenant(tenantId: string): {
    machineActions: {
      listDeviceActions?(deviceId: string, signal?: AbortSignal): Promise<ContainmentEvent[]>;
    };
  };
}

export interface RemindersDeps {
  store: Pick<Store, 'get' | 'list' | 'batch'>;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake'>;
  responses: Pick<ManagedResponseRepository, 'listForTenant'>;
  incidents: Pick<IncidentDirectory, 'get'>;
  tenants: () => readonly CustomerTenant[];
  defender: ContainmentDefender;
  /** The tenant's period (its `containmentReminderHours`, else CONTAINMENT_REMINDER_HOURS). */
  periodMs: (tenant: CustomerTenant) => number;
  now: Clock;
  logger: Logger;
}

export interface TickOutcome {
  /** Rounds enqueued. */
  sent: number;
  /** Reminders stopped because Defender no longer reports the device contained. */
  stopped: number;
}

export class ContainmentReminders {
  readonly records: ReminderStore;

  constructor(private readonly deps: RemindersDeps) {
    this.records = new ReminderStore(deps.store);
  }

  /** One pass over the tenants; `signal` ends it early, leaving what is left due. */
  async tick(signal?: AbortSignal): Promise<TickOutcome> {
    const outcome: TickOutcome = { sent: 0, stopped: 0 };
    for (const tenant of this.deps.tenants()) {
      if (signal?.aborted) break;
      try {
        const records = await this.records.forTenant(tenant.tenantId);
        const recordOf = (response: ManagedResponse, actionId: string) =>
          records.get(reminderKey(response.tenantId, response.incidentId, actionId));
        for (const response of await this.deps.responses.listForTenant(tenant.tenantId)) {
          if (signal?.aborted) break;
          for (const contained of containedActions(response)) {
            const record = recordOf(response, contained.action.id);
            const result = await this.#check(tenant, response, contained, record, signal);
            if (result) outcome[result] += 1;
          }
          await this.#showReleases(tenant, response);
          for (const released of releasedActions(response)) {
            const record = recordOf(response, released.actionId);
            if (record && !record.value.stopped) {
              await this.#closeReleased(tenant, response, released, record);
            }
          }
        }
      } catch (err) {
        this.deps.logger.warn({ err, tenantId: tenant.tenantId }, 'containment reminders failed');
      }
    }
    return outcome;
  }

  async #check(
    tenant: CustomerTenant,
    response: ManagedResponse,
    contained: ContainedAction,
    record: VersionedRecord<ContainmentReminder> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<keyof TickOutcome | undefined> {
    const periodMs = this.deps.periodMs(tenant);
    const nowMs = this.deps.now().getTime();
    const { tenantId, incidentId } = response;
    const reminder = record?.value ?? newReminder(response, contained, periodMs);
    const version = record?.version ?? 0;
    if (!isDue(reminder, nowMs)) {
      if (!record) await this.#write([this.records.putOp(reminder, 0)]);
      return undefined;
    }
    const still = await this.#stillContained(reminder, signal);
    // Defender did not answer, or the tick was stopped: the round is tried on the next tick.
    if (still === undefined) return undefined;
    if (!still) {
      const done = stopped(reminder, 'releasedInDefender', nowMs);
      const what =
        reminder.kind === 'isolateDevice' ? 'Released from isolation' : 'App restriction removed';
      const banner = { text: `${what} in Microsoft Defender.`, style: 'good' as const };
      const incident = await this.deps.incidents.get(tenantId, incidentId);
      const edits = editJobs({
        tenant,
        reminder: done,
        incident,
        nowMs,
        stamp: 'stopped',
        banner,
        released: true,
      });
      if (
        !(await this.#write([
          this.records.putOp(done, version),
          ...this.deps.delivery.enqueueOps(edits),
        ]))
      )
        return undefined;
      this.deps.delivery.wake();
      this.deps.logger.info(
        { tenantId, incidentId, device: reminder.deviceId },
        'released in Defender',
      );
      return 'stopped';
    }
    const next = asked(reminder, nowMs, periodMs);
    const incident = await this.deps.incidents.get(tenantId, incidentId);
    const release = releaseOf(response, reminder.actionId);
    const jobs = roundJobs({
      tenant,
      reminder: next,
      incident,
      nowMs,
      ...(release && { release }),
    });
    const written = await this.#write([
      this.records.putOp(next, version),
      ...this.deps.delivery.enqueueOps(jobs),
    ]);
    if (!written) return undefined;
    this.deps.delivery.wake();
    this.deps.logger.info(
      { tenantId, incidentId, device: reminder.deviceId, round: next.asked },
      'still-contained reminder sent',
    );
    return 'sent';
  }

  /** Our undo released the device: the record stops and every card it sent says so, once. */
  async #closeReleased(
    tenant: CustomerTenant,
    response: ManagedResponse,
    released: { actionId: string; releasedBy: string | undefined },
    record: VersionedRecord<ContainmentReminder>,
  ): Promise<void> {
    const { tenantId, incidentId } = response;
    const nowMs = this.deps.now().getTime();
    const done = stopped(record.value, 'released', nowMs);
    const what =
      done.kind === 'isolateDevice' ? 'Released from isolation' : 'App restriction removed';
    const by = released.releasedBy ? ` by ${released.releasedBy}` : '';
    const banner = { text: `${what}${by}.`, style: 'good' as const };
    const incident = await this.deps.incidents.get(tenantId, incidentId);
    const edits = editJobs({
      tenant,
      reminder: done,
      incident,
      nowMs,
      stamp: 'stopped',
      banner,
      released: true,
    });
    if (
      await this.#write([
        this.records.putOp(done, record.version),
        ...this.deps.delivery.enqueueOps(edits),
      ])
    ) {
      this.deps.delivery.wake();
    }
  }

  /**
   * A release asked for (on the reminder or the task card) that is running or failed: every copy
   * of the reminder says so, once per change (a completed one is #closeReleased's).
   */
  async #showReleases(tenant: CustomerTenant, response: ManagedResponse): Promise<void> {
    const { tenantId, incidentId } = response;
    for (const undo of response.actions.filter(isUndo)) {
      if (undo.status === 'completed') continue;
      const record = await this.records.get(tenantId, incidentId, undo.reverses);
      if (!record || record.value.stopped || record.value.releaseShown === undo.status) continue;
      const nowMs = this.deps.now().getTime();
      const reminder: ContainmentReminder = { ...record.value, releaseShown: undo.status };
      const release = releaseOf(response, undo.reverses);
      const incident = await this.deps.incidents.get(tenantId, incidentId);
      const edits = editJobs({
        tenant,
        reminder,
        incident,
        nowMs,
        stamp: `release-${undo.status}-${nowMs}`,
        ...(release && { release }),
      });
      const ops = [
        this.records.putOp(reminder, record.version),
        ...this.deps.delivery.enqueueOps(edits),
      ];
      if (await this.#write(ops)) this.deps.delivery.wake();
    }
  }

  /** Whether Defender still reports the device contained; undefined when it cannot say. */
  async #stillContained(
    reminder: ContainmentReminder,
    signal: AbortSignal | undefined,
  ): Promise<boolean | undefined> {
    if (signal?.aborted) return undefined;
    try {
      const { machineActions } = this.deps.defender.forTenant(reminder.tenantId);
      if (!machineActions.listDeviceActions) return true;
      const events = await machineActions.listDeviceActions(reminder.deviceId, signal);
      const containment = containmentOf(events);
      return reminder.kind === 'isolateDevice'
        ? containment.isolated !== undefined
        : containment.restricted !== undefined;
    } catch (err) {
      if (signal?.aborted) return undefined;
      this.deps.logger.warn({ err, device: reminder.deviceId }, 'containment unknown; later');
      return undefined;
    }
  }

  /** False when another writer changed the record first (it sent, or stopped, the round). */
  async #write(ops: WriteOp[]): Promise<boolean> {
    try {
      await this.deps.store.batch(ops);
      return true;
    } catch (err) {
      if (err instanceof StoreConflictError) return false;
      throw err;
    }
  }
}
