// How the report's figures read: Defender's words for classifications, severities and actions,
// durations a person says aloud ("5.5 hours", "3 days"), and dates in the tenant's time zone.
import type { Classification, Determination } from '../src/domain/incident.ts';
import type { ReportPeriod } from '../src/domain/report/report-period.ts';
import type { AgeBucket, ReportSeverity } from '../src/domain/report/report.ts';
import type { ActionKind } from '../src/domain/response-action.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const classificationWords: Record<Classification, string> = {
  truePositive: 'True positive',
  falsePositive: 'False positive',
  informationalExpectedActivity: 'Informational, expected activity',
  unknown: 'Not classified yet',
  unknownFutureValue: 'Not classified yet',
};

/** "True positive · Malware", "False positive · Not malicious", "Not classified yet". */
export function classificationLabel(
  classification: Classification,
  determination: Determination,
): string {
  const det = determinationWords(determination);
  return det
    ? `${classificationWords[classification]} · ${det}`
    : classificationWords[classification];
}

/** The same for a sentence: "true positive (malware)". */
export function classificationPhrase(
  classification: Classification,
  determination: Determination,
): string {
  const det = determinationWords(determination);
  const base = classificationWords[classification].toLowerCase();
  return det ? `${base} (${det.toLowerCase()})` : base;
}

/** "multiStagedAttack" → "Multi staged attack"; undefined when unknown. */
function determinationWords(determination: Determination): string | undefined {
  if (determination === 'unknown' || determination === 'unknownFutureValue') return undefined;
  const words = determination.replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

export const severityWords: Record<ReportSeverity, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  informational: 'Informational',
  unknown: 'Unknown severity',
};

export const actionKindWords: Record<ActionKind, string> = {
  isolateDevice: 'Isolate device',
  quarantineFile: 'Quarantine file',
  restrictAppExecution: 'Restrict app execution',
  releaseFromIsolation: 'Release from isolation',
  removeAppRestriction: 'Remove app restriction',
  manual: 'Manual action',
};

/** Chart axis labels (short) and the words for them (spoken). */
export const ageBucketWords: Record<AgeBucket, { short: string; long: string }> = {
  under4Hours: { short: '< 4 h', long: 'under 4 hours' },
  hours4To24: { short: '4–24 h', long: '4 to 24 hours' },
  days1To3: { short: '1–3 days', long: '1 to 3 days' },
  over3Days: { short: '> 3 days', long: 'over 3 days' },
};

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "45 minutes", "5.5 hours", "3 days": one decimal at most, in the unit a person would use. */
export function duration(ms: number): string {
  if (ms < HOUR_MS) return plural(Math.max(1, Math.round(ms / 60_000)), 'minute');
  if (ms < 2 * DAY_MS) return plural(oneDecimal(ms / HOUR_MS), 'hour');
  return plural(oneDecimal(ms / DAY_MS), 'day');
}

/** Hours with one decimal, for chart values. */
export function hours(ms: number): number {
  return oneDecimal(ms / HOUR_MS);
}

function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

/** "Adele, Alex and Megan". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let found = dateFormats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
    dateFormats.set(key, found);
  }
  return found;
}

/** "2 Mar 2026" in the time zone. */
export function dayLabel(iso: string, timeZone: string): string {
  return format(timeZone, { day: 'numeric', month: 'short', year: 'numeric' }).format(
    Date.parse(iso),
  );
}

/** "2 Mar 12:00" in the time zone. */
function dayTimeLabel(iso: string, timeZone: string): string {
  return format(timeZone, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.parse(iso));
}

/** A short name for a period on a chart axis: its first day, or its month. */
export function shortPeriodLabel(period: Pick<ReportPeriod, 'from' | 'timeZone' | 'calendar'>) {
  const options: Intl.DateTimeFormatOptions =
    period.calendar === 'month'
      ? { month: 'short', year: 'numeric' }
      : { day: 'numeric', month: 'short' };
  return format(period.timeZone, options).format(Date.parse(period.from));
}

/** The last instant inside [from, to): the day a period ends on. */
function lastMoment(period: Pick<ReportPeriod, 'from' | 'to'>): string {
  const to = Date.parse(period.to);
  return new Date(Math.max(Date.parse(period.from), to - 1)).toISOString();
}

/**
 * The period in words with its time zone: "March 2026", "Week of 2 Mar 2026 (to date)",
 * "Last 7 days: 23 Feb 12:00 – 2 Mar 12:00". `now` tells a unit to date from a complete one.
 */
export function periodLabel(period: ReportPeriod, now: string): string {
  const { timeZone } = period;
  const zone = timeZone === 'UTC' ? 'times in UTC' : `times in ${timeZone}`;
  const toDate = period.to === now ? ' (to date)' : '';
  switch (period.calendar) {
    case 'day':
      return `${format(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(Date.parse(period.from))}${toDate} · ${zone}`;
    case 'week':
      return `Week of ${dayLabel(period.from, timeZone)}${toDate} · ${zone}`;
    case 'month':
      return `${format(timeZone, { month: 'long', year: 'numeric' }).format(Date.parse(period.from))}${toDate} · ${zone}`;
    case undefined: {
      const days = (Date.parse(period.to) - Date.parse(period.from)) / DAY_MS;
      const range = `${dayTimeLabel(period.from, timeZone)} – ${dayTimeLabel(period.to, timeZone)}`;
      const lead = Number.isInteger(days) && days > 0 ? `Last ${plural(days, 'day')}: ` : '';
      return `${lead}${range} · ${zone}`;
    }
  }
}

/** A trend row's period: "October 2025", "Mon 2 Mar 2026", "23 Feb – 1 Mar 2026". */
export function periodRange(period: Pick<ReportPeriod, 'from' | 'to' | 'timeZone' | 'calendar'>) {
  const { timeZone } = period;
  const from = Date.parse(period.from);
  if (period.calendar === 'month')
    return format(timeZone, { month: 'long', year: 'numeric' }).format(from);
  if (period.calendar === 'day') {
    return format(timeZone, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    }).format(from);
  }
  const first = format(timeZone, { day: 'numeric', month: 'short' }).format(from);
  return `${first} – ${dayLabel(lastMoment(period), timeZone)}`;
}
