// How the app retries, configured in one place: the Defender HTTP client (Graph and Defender for
// Endpoint calls) and the delivery engine (Teams sends). Nothing else retries on top of them. The
// waits themselves come from src/platform/retry.ts. Tests pass fast retries, or none.
import type { RetrySettings } from '../defender/retry-settings.ts';
import type { RetryPolicy } from '../delivery/retry-policy.ts';

export interface Retries {
  /** Defaults: src/defender/retry-settings.ts (4 retries, 0.5 s to 8 s, Retry-After ≤ 120 s). */
  defender?: Partial<RetrySettings>;
  /** Defaults: src/delivery/retry-policy.ts (8 attempts, 2 s to 60 s, Retry-After + jitter). */
  delivery?: Partial<RetryPolicy>;
}

/** Every call tried once: a failure is final at once (tests of failure paths). */
export const noRetries: Required<Retries> = {
  defender: { retries: 0 },
  delivery: { maxAttempts: 1 },
};
