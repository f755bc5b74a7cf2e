// Starting one attempt of a one-click action in Defender for Endpoint. Before asking for a new
// machine action, look for this attempt in Defender's list whatever its status (its comment
// starts with the attempt marker): one that reached Defender before a crash is adopted, even if
// it finished while the bot was down. Then for one of the same kind running on the device:
// anyone else's (automated investigation and response, an analyst in the portal) is followed
// too and the card says so, rather than starting a second one. Throttling and transient faults
// are retried with backoff (a 429 means nothing started); anything else is the attempt's
// failure, in Defender's words.
import {
  ActionAlreadyPendingError,
  DefenderRequestError,
  DefenderThrottledError,
} from '../../defender/errors.ts';
import type { DeviceActionState } from '../../defender/machine-action-mapper.ts';
import type { OneClickAction } from '../../domain/response-action.ts';
import type { MachineActionsPort, Sleep } from './ports.ts';
import type { AlreadyRunningNote } from './tracked-action.ts';

export interface StartOptions {
  /** Tries in all when Defender throttles or fails transiently (default 5). */
  attempts: number;
  /** First wait between tries; doubles each time (default 2000 ms). */
  delayMs: number;
  sleep: Sleep;
  signal?: AbortSignal;
}

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

export async function startMachineAction(
  client: MachineActionsPort,
  action: OneClickAction,
  incidentId: string,
  options: Partial<StartOptions> & Pick<StartOptions, 'sleep'>,
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
  const attempts = options.attempts ?? 5;
  let delay = options.delayMs ?? 2_000;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const running = await client.findPendingAction(target.deviceId, action.kind, earlier);
      if (running) return followed(running, marker);
      const state = await client.runAction({
        kind: action.kind,
        deviceId: target.deviceId,
        comment,
        ...(action.kind === 'isolateDevice'
          ? { isolationType: action.isolationType ?? 'full' }
          : {}),
        ...(target.kind === 'file' ? { sha1: target.sha1 } : {}),
      });
      return { kind: 'started', state };
    } catch (err) {
      if (err instanceof ActionAlreadyPendingError && err.pendingActionId) {
        return followed(await client.getAction(err.pendingActionId), marker);
      }
      last = err instanceof Error ? err.message : String(err);
      if (!isTransient(err) || attempt === attempts) break;
      await options.sleep(delay, options.signal);
      delay *= 2;
    }
  }
  return { kind: 'failed', reason: last || 'Defender did not accept the action.' };
}

function followed(state: DeviceActionState, marker: string): StartResult {
  if (state.comment?.startsWith(marker)) return { kind: 'started', state };
  const note: AlreadyRunningNote = {
    machineActionId: state.id,
    ...(state.requestedBy ? { requestedBy: state.requestedBy } : {}),
  };
  return { kind: 'started', state, alreadyRunning: note };
}

function isTransient(err: unknown): boolean {
  if (err instanceof DefenderThrottledError) return true;
  if (err instanceof DefenderRequestError) {
    return err.status === undefined || err.status === 429 || err.status >= 500;
  }
  return false;
}
