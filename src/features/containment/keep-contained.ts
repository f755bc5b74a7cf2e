// Keep isolated (Keep restricted) on a still-contained card: a Security Operator of the tenant
// says the containment is still needed; the next reminder comes one period after the click, and
// every recipient's card says who kept it and when it asks again, without the Keep button until
// that next round (once per round: a second Keep is refused, so it cannot push the round out).
// Decided from stored state only: the tenant from the Teams origin, the reminder by its ids in
// that tenant, the role from the tenant's mapping.
import { renderStillContainedCard } from '../../../cards/still-contained.ts';
import type { Caller, CardActionResult } from '../../app/feature.ts';
import { isReleasedByUs, kept, keptThisRound, stopped } from '../../domain/containment-reminder.ts';
import type { ContainmentReminder } from '../../domain/containment-reminder.ts';
import { resolveRole } from '../../domain/roles.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';
import { editJobs } from './reminder-jobs.ts';
import type { ReminderStore } from './reminder-store.ts';

/** An audit entry in the managed response's trail (build-app.ts hands in its append). */
export interface ContainmentAuditEntry {
  kind: 'confirmation' | 'refusal';
  actor: { userId: string; name: string; via: 'teams' };
  tenantId: string;
  incidentId: string;
  actionId: string;
  operation: 'keepContained' | 'requestRelease';
  result: string;
  code?: string;
  detail?: string;
}

export interface KeepDeps {
  store: Pick<Store, 'batch'>;
  records: ReminderStore;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  incidents: Pick<IncidentDirectory, 'get'>;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  periodMs: (tenant: CustomerTenant) => number;
  audit?: (entry: ContainmentAuditEntry) => Promise<void>;
  now: Clock;
}

const outOfDate = {
  kind: 'notice' as const,
  title: 'This card is out of date',
  text: 'This reminder is not known here any more. Open the managed response for the device.',
};

export async function keepContained(
  deps: KeepDeps,
  caller: Caller,
  ids: { incidentId: string; actionId: string },
): Promise<CardActionResult> {
  const tenant = deps.tenantOf(caller.tenantId);
  if (!tenant) {
    return {
      kind: 'notice',
      title: 'Not available',
      text: 'Your organisation is not protected by this managed response service.',
    };
  }
  const actor = { userId: caller.userId || 'unknown', name: caller.userName ?? 'Unknown user' };
  const audit = (entry: Pick<ContainmentAuditEntry, 'kind' | 'result' | 'code' | 'detail'>) =>
    deps.audit?.({
      ...entry,
      actor: { ...actor, via: 'teams' },
      tenantId: tenant.tenantId,
      incidentId: ids.incidentId,
      actionId: ids.actionId,
      operation: 'keepContained',
    });
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await deps.records.get(tenant.tenantId, ids.incidentId, ids.actionId);
    if (!record) {
      await audit({ kind: 'refusal', result: 'refused', code: 'NOT_FOUND' });
      return outOfDate;
    }
    const nowMs = deps.now().getTime();
    const incident = await deps.incidents.get(tenant.tenantId, ids.incidentId);
    const role = resolveRole(tenant.roles, caller.userId ?? '', []);
    const card = (
      reminder: ContainmentReminder,
      banner?: { text: string; style: 'good' | 'attention' | 'warning' },
    ) => ({
      kind: 'card' as const,
      card: renderStillContainedCard({
        reminder,
        incident,
        nowMs,
        enabled: role === 'securityOperator',
        ...(banner ? { banner } : {}),
      }),
    });
    const reminder = record.value;
    if (role !== 'securityOperator') {
      await audit({ kind: 'refusal', result: 'refused', code: 'NOT_PERMITTED' });
      const text = 'Refused: Only Security Operators can keep a device contained.';
      return card(reminder, { text, style: 'attention' });
    }
    const response = await deps.responses.get(tenant.tenantId, ids.incidentId);
    const releasedByUs = response ? isReleasedByUs(response.value, ids.actionId) : false;
    if (reminder.stopped || releasedByUs) {
      const done = reminder.stopped ? reminder : stopped(reminder, 'released', nowMs);
      if (!reminder.stopped) await deps.store.batch([deps.records.putOp(done, record.version)]);
      return card(done, { text: `${reminder.deviceName} is no longer contained.`, style: 'good' });
    }
    const what = reminder.kind === 'isolateDevice' ? 'isolated' : 'restricted';
    if (keptThisRound(reminder) && reminder.keptBy) {
      // A second operator, or a copy not yet edited: one Keep per round, so clicks do not push
      // the next question further out.
      await audit({ kind: 'refusal', result: 'refused', code: 'ALREADY_KEPT' });
      const text = `Already kept ${what} by ${reminder.keptBy.name}: asked again at the time shown.`;
      return card(reminder, { text, style: 'good' });
    }
    const next = kept(reminder, actor, nowMs, deps.periodMs(tenant));
    const jobs = editJobs({ tenant, reminder: next, incident, nowMs, stamp: `kept-${nowMs}` });
    try {
      await deps.store.batch([
        deps.records.putOp(next, record.version),
        ...deps.delivery.enqueueOps(jobs),
      ]);
    } catch (err) {
      if (err instanceof StoreConflictError) continue; // a reminder round or another click won
      throw err;
    }
    deps.delivery.wake();
    await audit({ kind: 'confirmation', result: 'kept' });
    const still =
      reminder.kind === 'isolateDevice'
        ? 'You can still release it from isolation.'
        : 'You can still remove the app restriction.';
    return card(next, { text: `Kept ${what}. ${still}`, style: 'good' });
  }
  throw new Error('keepContained: the reminder kept changing');
}
