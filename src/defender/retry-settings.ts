// How often and how patiently Defender calls are retried. The waits themselves (Retry-After, else
// backoff with jitter) come from src/platform/retry.ts, shared with the Teams side.
import type { Backoff } from '../platform/retry.ts';

export interface RetrySettings {
  /** Retries after the first attempt (attempts = retries + 1). */
  retries: number;
  /** Backoff before the first retry; doubles (factor) up to maxTimeoutMs. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
  /** Per-attempt timeout of one HTTP request. */
  requestTimeoutMs: number;
  /** A 429 asking to wait longer than this fails at once with DefenderThrottledError. */
  maxRetryAfterSeconds: number;
  /**
   * Someone waits for the answer (a Teams user, the Experts API): the longest a call waits in
   * all, for the tenant's rate limit and between retries. What would take longer fails at once
   * (DefenderBusyError, or DefenderThrottledError with Graph's Retry-After).
   */
  interactiveMaxWaitMs: number;
  /**
   * Background work (watcher polls, machine actions, incident tasks): the longest one attempt
   * waits for the tenant's rate limit. A minute rides out a per-minute window, never an hour's.
   */
  backgroundMaxWaitMs: number;
}

export const defaultRetrySettings: RetrySettings = {
  retries: 4,
  minTimeoutMs: 500,
  maxTimeoutMs: 8_000,
  factor: 2,
  requestTimeoutMs: 30_000,
  maxRetryAfterSeconds: 120,
  interactiveMaxWaitMs: 2_000,
  backgroundMaxWaitMs: 60_000,
};

/** The settings as the platform's backoff (src/platform/retry.ts); Retry-After is waited as is. */
export function defenderBackoff(settings: RetrySettings): Backoff {
  return {
    baseDelayMs: settings.minTimeoutMs,
    maxDelayMs: settings.maxTimeoutMs,
    factor: settings.factor,
  };
}
