// Percentiles by linear interpolation between closest ranks (the "inclusive" method of
// spreadsheets' PERCENTILE.INC and numpy's default): the median of 1, 2, 3, 10 is 2.5, and
// the 90th percentile of a single value is that value.

/** The p-th percentile (0–100) of `values`; null when there are none. Does not change `values`. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`A percentile is between 0 and 100, not ${p}.`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const below = sorted[lower] ?? 0;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? below;
  return below + (above - below) * (rank - lower);
}
