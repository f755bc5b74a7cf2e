// Waits for a machine action's outcome: GET it with growing intervals until Defender reports
// Succeeded, Failed, TimeOut or Cancelled. A poll that fails (throttling, a network fault) is
// just tried again later; only an action Defender no longer knows ends the wait early. Devices
// can be offline for long, so the wait is bounded by `timeoutMs` (then Failed, with the reason).
// With several instances only the tenant's owner polls: `owned` is asked before every GET, and a
// false ends the wait with no outcome (the owner's sweep resumes the action).
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { MachineActionsPort } from './ports.ts';
import type { Sleep } from '../../platform/sleep.ts';

export interface PollOptions {
  initialMs: number;
  factor: number;
  maxMs: number;
  timeoutMs: number;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Asked before each GET; false: stop without an outcome (another instance polls it). */
  owned?: () => boolean;
  now: Clock;
  logger?: Logger;
}

export const defaultPollOptions = {
  initialMs: 2_000,
  factor: 1.5,
  maxMs: 60_000,
  timeoutMs: 24 * 60 * 60 * 1000,
};

export interface PollOutcome {
  status: 'completed' | 'failed';
  failureReason?: string;
  /** How a failed action ended (absent: failed). */
  ending?: 'failed' | 'timedOut' | 'cancelled';
}

export async function pollMachineAction(
  client: Pick<MachineActionsPort, 'getAction'>,
  machineActionId: string,
  options: Partial<PollOptions> & Pick<PollOptions, 'sleep' | 'now'>,
): Promise<PollOutcome | undefined> {
  const { initialMs, factor, maxMs, timeoutMs } = { ...defaultPollOptions, ...options };
  const started = options.now().getTime();
  let delay = initialMs;
  for (;;) {
    await options.sleep(delay, options.signal);
    if (options.owned && !options.owned()) return undefined;
    try {
      const state = await client.getAction(machineActionId, options.signal);
      if (state.status === 'completed') return { status: 'completed' };
      if (state.status === 'failed') {
        return {
          status: 'failed',
          failureReason: state.failureReason ?? 'Defender reported a failure.',
          ...(state.ending ? { ending: state.ending } : {}),
        };
      }
    } catch (err) {
      if (options.signal?.aborted) throw err;
      if (err instanceof NotFoundError) {
        return { status: 'failed', failureReason: 'Defender no longer knows this action.' };
      }
      options.logger?.warn(
        { err, machineActionId },
        'polling the machine action failed; will retry',
      );
    }
    if (options.now().getTime() - started >= timeoutMs) {
      const hours = Math.round(timeoutMs / 3_600_000);
      return {
        status: 'failed',
        ending: 'timedOut',
        failureReason: `Defender reported no outcome within ${hours > 0 ? `${hours} h` : `${timeoutMs} ms`}; check the device in the Defender portal.`,
      };
    }
    delay = Math.min(delay * factor, maxMs);
  }
}
