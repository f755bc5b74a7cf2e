// Orders Graph timestamps. Graph writes up to 7 fractional digits ("…35.5533333Z") while Date
// keeps milliseconds, so two updates in the same millisecond would look equal as Dates: the
// digits beyond the millisecond break the tie. Unreadable values sort first (treated as unknown).

/** Negative if a is earlier than b, positive if later, 0 if the same instant. */
export function compareInstants(a: string, b: string): number {
  const [ms1, ms2] = [Date.parse(a), Date.parse(b)];
  const valid1 = !Number.isNaN(ms1);
  const valid2 = !Number.isNaN(ms2);
  if (!valid1 || !valid2) return Number(valid1) - Number(valid2);
  if (ms1 !== ms2) return ms1 - ms2;
  const [f1, f2] = [subMillisecond(a), subMillisecond(b)];
  return f1 < f2 ? -1 : f1 > f2 ? 1 : 0;
}

export function isInstant(value: string): boolean {
  return !Number.isNaN(Date.parse(value));
}

/** Fractional digits after the third, padded so that string order is numeric order. */
function subMillisecond(value: string): string {
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  return fraction.slice(3).padEnd(6, '0');
}
