// Starting one attempt of a one-click action in Defender for Endpoint. Before asking for a new
// machine action, look for one of the same kind already running on the device: ours from before
// a restart (same comment) is simply followed; anyone else's (automated investigation and
// response, an analyst in the portal) is followed too and the card says so, rather than
// starting a second one. Throttling and transient faults are retried by the Defender HTTP
// client (src/defender/defender-http-client.ts: Retry-After, backoff), not again here; what it
// gives up on is the attempt's failure, in Defender's words.
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
  return `Managed response ${incidentId}/${action.id} attempt ${action.attempts}: ${action.title} (requested by ${by} in Microsoft Teams)`;
}

export async function startMachineAction(
  client: MachineActionsPort,
  action: OneClickAction,
  incidentId: string,
): Promise<StartResult> {
  if (action.target.kind === 'none') {
    return { kind: 'failed', reason: 'The action names no device, so Defender cannot run it.' };
  }
  const target = action.target;
  const comment = machineActionComment(action, incidentId);
  try {
    const running = await client.findPendingAction(target.deviceId, action.kind);
    if (running) return followed(running, comment);
    const state = await client.runAction({
      kind: action.kind,
      deviceId: target.deviceId,
      comment,
      ...(action.kind === 'isolateDevice' ? { isolationType: action.isolationType ?? 'full' } : {}),
      ...(target.kind === 'file' ? { sha1: target.sha1 } : {}),
    });
    return { kind: 'started', state };
  } catch (err) {
    if (err instanceof ActionAlreadyPendingError && err.pendingActionId) {
      return followed(await client.getAction(err.pendingActionId), comment);
    }
    const reason = err instanceof Error ? err.message : String(err);
    return { kind: 'failed', reason: reason || 'Defender did not accept the action.' };
  }
}

function followed(state: DeviceActionState, comment: string): StartResult {
  if (state.comment === comment) return { kind: 'started', state };
  const note: AlreadyRunningNote = {
    machineActionId: state.id,
    ...(state.requestedBy ? { requestedBy: state.requestedBy } : {}),
  };
  return { kind: 'started', state, alreadyRunning: note };
}
