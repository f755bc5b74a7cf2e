// The durable record of each containment a managed response made (collection
// `containmentReminders`, one per tenant, incident and action): when to ask next, how many times
// it was asked, who kept it, whether it stopped. Every change is a compare-and-set, and a round's
// delivery jobs are enqueued in the same batch as the record that counts it, so a restart, or two
// ticks racing, send a round once. Kept as long as the audit (src/app/retention.ts): the record is
// rewritten at least once a period (at most 30 days) while the device stays contained.
import type { ContainmentReminder } from '../../domain/containment-reminder.ts';
import type { Store, VersionedRecord, WriteOp } from '../../store/store.ts';

export const CONTAINMENT_REMINDERS = 'containmentReminders';

export function reminderKey(tenantId: string, incidentId: string, actionId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}:${actionId}`;
}

export class ReminderStore {
  constructor(private readonly store: Pick<Store, 'get' | 'list'>) {}

  /** Every record of the tenant, by key: one range read per tenant and tick. */
  async forTenant(tenantId: string): Promise<Map<string, VersionedRecord<ContainmentReminder>>> {
    const records = await this.store.list<ContainmentReminder>(CONTAINMENT_REMINDERS, {
      prefix: `${tenantId.toLowerCase()}:`,
    });
    return new Map(records.map((r) => [r.key, r]));
  }

  async get(
    tenantId: string,
    incidentId: string,
    actionId: string,
  ): Promise<VersionedRecord<ContainmentReminder> | undefined> {
    return this.store.get<ContainmentReminder>(
      CONTAINMENT_REMINDERS,
      reminderKey(tenantId, incidentId, actionId),
    );
  }

  /** Writes `next` if the record is still at `expectedVersion` (0: creates it). */
  putOp(next: ContainmentReminder, expectedVersion: number): WriteOp {
    return {
      kind: 'put',
      collection: CONTAINMENT_REMINDERS,
      key: reminderKey(next.tenantId, next.incidentId, next.actionId),
      value: next,
      expectedVersion,
    };
  }
}
