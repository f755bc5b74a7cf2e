// Release from isolation (Remove app restriction) on a still-contained card, inside that card:
// requestRelease asks "Release prod-server-01 from isolation?" with Yes, release / Cancel and
// changes nothing; confirmRelease starts the managed response's undo (its checks, audit and
// refusals: the `release` port build-app.ts wires to it), then every copy of the reminder says
// who asked for the release and how it goes. The scheduler edits them again when it finishes.
import { renderStillContainedCard } from '../../../cards/still-contained.ts';
import type { Caller, CardActionResult } from '../../app/feature.ts';
import {
  releaseOf,
  type ContainmentReminder,
  type ReleaseProgress,
} from '../../domain/containment-reminder.ts';
import { StoreConflictError } from '../../store/store.ts';
import { resolveRole } from '../../domain/roles.ts';
import type { MessageStyle } from '../../../cards/message.ts';
import { editJobs } from './reminder-jobs.ts';
import type { KeepDeps } from './keep-contained.ts';

export type ReleaseVerb = 'requestRelease' | 'confirmRelease' | 'cancelRelease';

/** How the managed response's undo went: started, or why not (it audited either). */
export type ReleaseOutcome = { kind: 'started' } | { kind: 'refused'; text: string };

export type ReleasePort = (
  caller: Caller,
  ids: { incidentId: string; actionId: string },
) => Promise<ReleaseOutcome>;

export interface ReleaseDeps extends Omit<KeepDeps, 'periodMs'> {
  release?: ReleasePort;
}

export async function releaseContained(
  deps: ReleaseDeps,
  verb: ReleaseVerb,
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
  const record = await deps.records.get(tenant.tenantId, ids.incidentId, ids.actionId);
  if (!record) {
    return {
      kind: 'notice',
      title: 'This card is out of date',
      text: 'This reminder is not known here any more. Open the managed response for the device.',
    };
  }
  const reminder = record.value;
  const nowMs = deps.now().getTime();
  const incident = await deps.incidents.get(tenant.tenantId, ids.incidentId);
  const operator = resolveRole(tenant.roles, caller.userId ?? '', []) === 'securityOperator';
  const progress = async (): Promise<ReleaseProgress | undefined> => {
    const response = await deps.responses.get(tenant.tenantId, ids.incidentId);
    return response ? releaseOf(response.value, ids.actionId) : undefined;
  };
  const card = (
    release: ReleaseProgress | undefined,
    extra: { confirmRelease?: boolean; banner?: { text: string; style: MessageStyle } } = {},
  ): CardActionResult => ({
    kind: 'card',
    card: renderStillContainedCard({
      reminder,
      incident,
      nowMs,
      enabled: operator,
      ...(release ? { release } : {}),
      ...extra,
    }),
  });
  const release = await progress();
  if (verb === 'cancelRelease') return card(release);
  if (reminder.stopped || release?.status === 'completed') {
    const text = `${reminder.deviceName} is no longer contained.`;
    return card(release, { banner: { text, style: 'good' } });
  }
  if (verb === 'requestRelease') {
    if (!operator) {
      await deps.audit?.({
        kind: 'refusal',
        actor: {
          userId: caller.userId || 'unknown',
          name: caller.userName ?? 'Unknown user',
          via: 'teams',
        },
        tenantId: tenant.tenantId,
        incidentId: ids.incidentId,
        actionId: ids.actionId,
        operation: 'requestRelease',
        result: 'refused',
        code: 'NOT_PERMITTED',
      });
      const text = 'Refused: Only Security Operators can release a device.';
      return card(release, { banner: { text, style: 'attention' } });
    }
    // Already asked for (by someone else, on another copy): show how it goes instead.
    return release ? card(release) : card(undefined, { confirmRelease: true });
  }
  if (!deps.release) {
    const text = 'Release it from the managed response: Open the device in Microsoft Defender.';
    return card(release, { banner: { text, style: 'warning' } });
  }
  const outcome = await deps.release(caller, ids);
  const after = await progress();
  if (outcome.kind === 'refused') {
    return card(after, { banner: { text: outcome.text, style: after ? 'warning' : 'attention' } });
  }
  // Every copy says it now; the record notes it, so the scheduler edits them once per change.
  const shown: ContainmentReminder =
    after && after.status !== 'completed' ? { ...reminder, releaseShown: after.status } : reminder;
  const jobs = editJobs({
    tenant,
    reminder: shown,
    incident,
    nowMs,
    stamp: `release-${nowMs}`,
    ...(after ? { release: after } : {}),
  });
  try {
    await deps.store.batch([
      deps.records.putOp(shown, record.version),
      ...deps.delivery.enqueueOps(jobs),
    ]);
    deps.delivery.wake();
  } catch (err) {
    // A round or a Keep wrote the record meanwhile: the scheduler's next pass edits the copies.
    if (!(err instanceof StoreConflictError)) throw err;
  }
  const text =
    reminder.kind === 'isolateDevice'
      ? `Release started: every copy of this card updates when ${reminder.deviceName} is released.`
      : `Started: every copy of this card updates when the restriction is removed.`;
  return card(after, { banner: { text, style: 'good' } });
}
