// Time from Awaiting Customer Action to the hand-back, per period. A hand-back counts in the period
// in which it happened, with its whole duration (the awaiting may have begun periods earlier). An
// awaiting period that was never handed back is not measured: it counts as open at the end of
// every period it overlaps, until its incident closed (resolved or merged while awaiting: the
// hand-back never came and never will, so it stops counting as open).
import { percentile } from './percentile.ts';
import type { HandBackFigures } from './report.ts';

/** An awaiting period with parsed times; `endMs` undefined while open. */
export interface TimedPeriod {
  startMs: number;
  endMs: number | undefined;
  /** When the incident closed without a hand-back, if it did. */
  closedMs: number | undefined;
}

export function handBackFigures(
  periods: readonly TimedPeriod[],
  window: { from: string; to: string },
  nowMs: number,
): HandBackFigures {
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  const cutoff = Math.min(toMs, nowMs);
  const durations: number[] = [];
  let openAtEnd = 0;
  for (const { startMs, endMs, closedMs } of periods) {
    if (startMs > nowMs) continue;
    if (endMs !== undefined && endMs >= fromMs && endMs < toMs && endMs <= nowMs) {
      durations.push(endMs - startMs);
    }
    const open = endMs === undefined || endMs >= cutoff;
    const stillPossible = closedMs === undefined || closedMs >= cutoff;
    if (startMs < cutoff && open && stillPossible) openAtEnd += 1;
  }
  return {
    from: window.from,
    to: window.to,
    handBacks: durations.length,
    medianMs: rounded(percentile(durations, 50)),
    p90Ms: rounded(percentile(durations, 90)),
    openAtEnd,
  };
}

function rounded(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms);
}
