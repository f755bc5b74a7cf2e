// What a failed poll means for the operator and for the schedule: bad credentials or missing
// consent (with the fix from DefenderAuthError), throttling (with Graph's Retry-After), or
// anything else (outage, timeout, store error), retried with backoff.
import { DefenderAuthError, DefenderThrottledError } from '../defender/errors.ts';

export interface PollFailure {
  kind: 'auth' | 'throttled' | 'other';
  message: string;
  /** What to fix, for auth failures. */
  hint?: string;
  retryAfterSeconds?: number;
}

export function describePollFailure(error: unknown): PollFailure {
  if (error instanceof DefenderAuthError) {
    return { kind: 'auth', message: error.message, hint: error.hint };
  }
  if (error instanceof DefenderThrottledError) {
    return error.retryAfterSeconds === undefined
      ? { kind: 'throttled', message: error.message }
      : { kind: 'throttled', message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}
