// When to try again, for every client of a service that throttles: the Defender HTTP client, the
// Teams messenger and the delivery runner. A server's Retry-After wins; otherwise exponential
// backoff with "equal jitter", so that many callers failing together do not retry in lockstep.
// The clients decide whether to retry (and keep their own limits); this only says how long to wait.

export interface Backoff {
  /** Wait before the first retry; multiplied by `factor` for each further one. */
  baseDelayMs: number;
  /** No backoff wait is longer than this. */
  maxDelayMs: number;
  factor: number;
  /** Added to a Retry-After wait (0 to random × this), so throttled callers spread out. */
  retryAfterJitterMs?: number;
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when
 * absent or unreadable; never negative.
 */
export function parseRetryAfterMs(
  header: string | null | undefined,
  now: Date,
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * Backoff before retry number `retry` (1-based): within [base/2, base], where
 * base = min(maxDelayMs, baseDelayMs × factor^(retry − 1)).
 */
export function backoffDelayMs(retry: number, backoff: Backoff, random: () => number): number {
  const base = Math.min(
    backoff.maxDelayMs,
    backoff.baseDelayMs * backoff.factor ** Math.max(0, retry - 1),
  );
  return Math.round(base / 2 + random() * (base / 2));
}

/** The wait before retry number `retry`: the server's Retry-After (with jitter), else backoff. */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  backoff: Backoff,
  random: () => number,
): number {
  if (retryAfterMs === undefined) return backoffDelayMs(retry, backoff, random);
  const jitter = backoff.retryAfterJitterMs ?? 0;
  return jitter > 0 ? retryAfterMs + Math.round(random() * jitter) : retryAfterMs;
}
