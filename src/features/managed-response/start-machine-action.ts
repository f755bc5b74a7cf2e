// Starting one attempt of a one-click action in Defender for Endpoint. Before asking for a new
// machine action, look for this attempt in Defender's list whatever its status (its comment
// starts with the attempt marker): one that reached Defender before a crash is adopted, even if
// it finished while the bot was down. Then for one of the same kind running on the device:
// anyone else's (automated investigation and response, an analyst in the portal) is followed
// too and the card says so, rather than starting a second one. Throttling and transient faults
// are retried by the Defender HTTP client (src/defender/defender-http-client.ts: Retry-After,
// backoff), not again here; what it gives up on is the attempt's failure, in Defender's words.
import { ActionAlreadyPendingError } from '../../defender/errors.ts';
import type { DeviceActionState } from '../../defender/machine-action-mapper.ts';
import type { OneClickAction } from '../../domain/response-action.ts';
import type { MachineActionsPort } from './ports.ts';
import type { AlreadyRunningNote } from '../../domain/tracked-action.ts';

export type StartResult =
  | { kind: 'started'; state: DeviceActionState; alreadyRunning?: AlreadyRunningNote }
  | { kind: 'failed'; reason: string };

/** The machine action comment: Defender's action center shows it; it is our idempotency key. */
export function machineActionComment(action: OneClickAction, incidentId: string): string {
  const by = action.requestedBy?.name ?? 'a Security Operator';
  return `${attemptMarker(action, incidentId)} ${action.title} (requested by ${by} in Microsoft Teams)`;
}

/** How the comment of this attempt starts, whatever follows (the title may be edited). */
export function attemptMarker(action: OneClickAction, incidentId: string): string {
  return `Managed response ${incidentId}/${action.id} attempt ${action.attempts}:`;
}

/** Defender's clock and ours may differ; an earlier attempt is looked for this far back. */
const ATTEMPT_CLOCK_MARGIN_MS = 15 * 60 * 1000;

/**
 * `signal` (the executor stopping): the start is abandoned wherever it waits, and the abort is
 * thrown, not reported as the action's failure. The record stays in progress without a machine
 * action id, so the next start resumes it, and a request that did reach Defender is then found
 * by its attempt marker rather than sent again.
 */
export async function startMachineAction(
  client: MachineActionsPort,
  action: OneClickAction,
  incidentId: string,
  signal?: AbortSignal,
): Promise<StartResult> {
  if (action.target.kind === 'none') {
    return { kind: 'failed', reason: 'The action names no device, so Defender cannot run it.' };
  }
  const target = action.target;
  const comment = machineActionComment(action, incidentId);
  const marker = attemptMarker(action, incidentId);
  // This attempt may have reached Defender before a crash, and even finished since.
  const requestedAt = action.requestedAt ? Date.parse(action.requestedAt) : NaN;
  const earlier = {
    marker,
    ...(Number.isNaN(requestedAt)
      ? {}
      : { since: new Date(requestedAt - ATTEMPT_CLOCK_MARGIN_MS) }),
  };
  try {
    const running = await client.findPendingAction(target.deviceId, action.kind, earlier, signal);
    if (running) return followed(running, marker);
    const state = await client.runAction(
      {
        kind: action.kind,
        deviceId: target.deviceId,
        comment,
        ...(action.kind === 'isolateDevice'
          ? { isolationType: action.isolationType ?? 'full' }
          : {}),
        ...(target.kind === 'file' ? { sha1: target.sha1 } : {}),
      },
      signal,
    );
    return { kind: 'started', state };
  } catch (err) {
    if (signal?.aborted) throw err;
    if (err instanceof ActionAlreadyPendingError && err.pendingActionId) {
      return followed(await client.getAction(err.pendingActionId, signal), marker);
    }
    const reason = err instanceof Error ? err.message : String(err);
    return { kind: 'failed', reason: reason || 'Defender did not accept the action.' };
  }
}

function followed(state: DeviceActionState, marker: string): StartResult {
  if (state.comment?.startsWith(marker)) return { kind: 'started', state };
  const note: AlreadyRunningNote = {
    machineActionId: state.id,
    ...(state.requestedBy ? { requestedBy: state.requestedBy } : {}),
  };
  return { kind: 'started', state, alreadyRunning: note };
}
