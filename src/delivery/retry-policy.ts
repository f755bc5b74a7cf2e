// What a failed delivery means and when to try again. Teams: 429 → wait Retry-After, else
// exponential backoff with jitter; 412, 502, 503, 504 → retry with backoff; 403 → the bot is not
// (or no longer) in that conversation, or the user blocked it; 400, 404, 413 → the request itself
// is wrong and retrying cannot help.
import { retryDelayMs as platformRetryDelayMs } from '../platform/retry.ts';
import { MessengerError } from './messenger.ts';

export interface RetryPolicy {
  /** Attempts per job before it is marked failed (counted again from zero after markReachable). */
  maxAttempts: number;
  /** Backoff before the first retry; doubles up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Spread added to Retry-After so throttled jobs do not all come back in the same instant. */
  retryAfterJitterMs: number;
}

// The old Teams C# sample retried 3 times between 2 s and 20 s; a notification can wait longer,
// so more attempts over a longer span, still bounded.
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
  retryAfterJitterMs: 500,
};

export type FailureKind =
  | { kind: 'throttled'; retryAfterMs: number | undefined }
  | { kind: 'transient' }
  | { kind: 'unreachable' }
  | { kind: 'permanent' }
  /** Stopped before the request went out: not an attempt. */
  | { kind: 'aborted' };

const transientStatuses = new Set([0, 408, 412, 500, 502, 503, 504]);

export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof MessengerError)) return { kind: 'transient' }; // unknown: bounded retries
  if (error.code === 'Aborted') return { kind: 'aborted' };
  if (error.status === 429) {
    const seconds = error.retryAfterSeconds;
    return { kind: 'throttled', retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
  }
  if (error.status === 403) return { kind: 'unreachable' };
  if (transientStatuses.has(error.status)) return { kind: 'transient' };
  return { kind: 'permanent' };
}

/** Delay before retry number `retry` (1-based): Retry-After plus jitter, else backoff. */
export function retryDelayMs(
  retry: number,
  failure: FailureKind,
  policy: RetryPolicy,
  random: () => number,
): number {
  const retryAfterMs = failure.kind === 'throttled' ? failure.retryAfterMs : undefined;
  return platformRetryDelayMs(retry, retryAfterMs, { ...policy, factor: 2 }, random);
}
