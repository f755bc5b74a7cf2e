// How long to wait between attempts: Retry-After when the server says, else exponential backoff
// with jitter (so that many tenants' pollers do not retry in lockstep).

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
}

export const defaultRetrySettings: RetrySettings = {
  retries: 4,
  minTimeoutMs: 500,
  maxTimeoutMs: 8_000,
  factor: 2,
  requestTimeoutMs: 30_000,
  maxRetryAfterSeconds: 120,
};

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * Delay before retry number `retry` (1-based): "equal jitter" within [base/2, base], where
 * base = min(maxTimeoutMs, minTimeoutMs * factor^(retry-1)).
 */
export function backoffDelayMs(
  retry: number,
  settings: RetrySettings,
  random: () => number,
): number {
  const base = Math.min(
    settings.maxTimeoutMs,
    settings.minTimeoutMs * settings.factor ** Math.max(0, retry - 1),
  );
  return Math.round(base / 2 + random() * (base / 2));
}
