// When a tenant's next poll runs. Success: the interval, jittered so that many tenants (and many
// instances) spread out instead of hitting Graph in lockstep. Failure: exponential backoff from
// the interval up to a ceiling, jittered the same way, and never sooner than Graph's Retry-After.

export interface ScheduleSettings {
  intervalMs: number;
  /** 0.2 → each delay lies within ±20 % of its nominal value. */
  jitterRatio: number;
  maxBackoffMs: number;
  random: () => number;
}

export function jittered(ms: number, settings: Pick<ScheduleSettings, 'jitterRatio' | 'random'>) {
  const spread = ms * settings.jitterRatio * (2 * settings.random() - 1);
  return Math.max(0, Math.round(ms + spread));
}

/** Before a tenant's first poll: somewhere in the first jitter window, to spread the start. */
export function initialDelayMs(settings: ScheduleSettings): number {
  return Math.round(settings.intervalMs * settings.jitterRatio * settings.random());
}

export function successDelayMs(settings: ScheduleSettings): number {
  return jittered(settings.intervalMs, settings);
}

/** After the n-th failure in a row (n ≥ 1). */
export function failureDelayMs(
  consecutiveFailures: number,
  settings: ScheduleSettings,
  retryAfterSeconds?: number,
): number {
  const exponent = Math.min(Math.max(0, consecutiveFailures - 1), 30);
  const backoff = Math.min(settings.maxBackoffMs, settings.intervalMs * 2 ** exponent);
  const delay = jittered(backoff, settings);
  return retryAfterSeconds === undefined ? delay : Math.max(delay, retryAfterSeconds * 1000);
}
