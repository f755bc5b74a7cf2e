// The period a report covers. Rolling periods ("7d", "30d") end now; calendar periods (a day, a
// week from Monday, a month) follow the tenant's clock: they start at local midnight in its IANA
// time zone (UTC when none is configured). A period is the half-open interval [from, to).
import { InvalidInputError } from '../errors.ts';
import {
  addDays,
  addMonths,
  assertTimeZone,
  localDateOf,
  startOfLocalDay,
  weekday,
  type LocalDate,
} from './zoned-time.ts';

export type CalendarUnit = 'day' | 'week' | 'month';

export type ReportPeriodSpec =
  | { kind: 'rolling'; days: number }
  /** `current`: from the unit's start until now; `previous`: the last complete unit. */
  | { kind: 'calendar'; unit: CalendarUnit; which: 'current' | 'previous' };

export interface ReportPeriod {
  /** ISO instants, [from, to). */
  from: string;
  to: string;
  timeZone: string;
  /** Set for calendar periods: the trend then steps back by whole calendar units. */
  calendar?: CalendarUnit;
}

export const DAY_MS = 86_400_000;
export const MAX_ROLLING_DAYS = 366;

const words: Record<string, ReportPeriodSpec> = {
  today: { kind: 'calendar', unit: 'day', which: 'current' },
  yesterday: { kind: 'calendar', unit: 'day', which: 'previous' },
  week: { kind: 'calendar', unit: 'week', which: 'current' },
  'this week': { kind: 'calendar', unit: 'week', which: 'current' },
  'last week': { kind: 'calendar', unit: 'week', which: 'previous' },
  month: { kind: 'calendar', unit: 'month', which: 'current' },
  'this month': { kind: 'calendar', unit: 'month', which: 'current' },
  'last month': { kind: 'calendar', unit: 'month', which: 'previous' },
};

/** "" (7 days), "7d", "30d", "today", "yesterday", "[this|last] week|month"; else undefined. */
export function parseReportPeriod(text: string): ReportPeriodSpec | undefined {
  const normalised = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (normalised === '') return { kind: 'rolling', days: 7 };
  const rolling = /^(\d{1,3}) ?d(?:ays?)?$/.exec(normalised);
  if (rolling) {
    const days = Number(rolling[1]);
    return days >= 1 && days <= MAX_ROLLING_DAYS ? { kind: 'rolling', days } : undefined;
  }
  return words[normalised];
}

export function resolveReportPeriod(
  spec: ReportPeriodSpec,
  now: Date,
  timeZone = 'UTC',
): ReportPeriod {
  assertTimeZone(timeZone);
  const nowMs = now.getTime();
  if (spec.kind === 'rolling') {
    if (!Number.isInteger(spec.days) || spec.days < 1 || spec.days > MAX_ROLLING_DAYS) {
      throw new InvalidInputError(`A report covers 1 to ${MAX_ROLLING_DAYS} days.`);
    }
    return { from: iso(nowMs - spec.days * DAY_MS), to: iso(nowMs), timeZone };
  }
  const current = unitStart(spec.unit, localDateOf(nowMs, timeZone));
  const start = spec.which === 'current' ? current : stepUnits(spec.unit, current, -1);
  const from = startOfLocalDay(start, timeZone);
  const to = spec.which === 'current' ? nowMs : startOfLocalDay(current, timeZone);
  return { from: iso(from), to: iso(to), timeZone, calendar: spec.unit };
}

/** The `count` periods before `period`, oldest first, each as long as it (or one calendar unit). */
export function previousPeriods(
  period: ReportPeriod,
  count: number,
): { from: string; to: string }[] {
  const fromMs = Date.parse(period.from);
  const result: { from: string; to: string }[] = [];
  if (period.calendar) {
    const { calendar: unit, timeZone } = period;
    const start = unitStart(unit, localDateOf(fromMs, timeZone));
    for (let k = count; k >= 1; k--) {
      result.push({
        from: iso(startOfLocalDay(stepUnits(unit, start, -k), timeZone)),
        to: iso(startOfLocalDay(stepUnits(unit, start, -k + 1), timeZone)),
      });
    }
    return result;
  }
  const length = Date.parse(period.to) - fromMs;
  for (let k = count; k >= 1; k--) {
    result.push({ from: iso(fromMs - k * length), to: iso(fromMs - (k - 1) * length) });
  }
  return result;
}

function unitStart(unit: CalendarUnit, date: LocalDate): LocalDate {
  switch (unit) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, 1 - weekday(date));
    case 'month':
      return { ...date, day: 1 };
  }
}

function stepUnits(unit: CalendarUnit, start: LocalDate, n: number): LocalDate {
  switch (unit) {
    case 'day':
      return addDays(start, n);
    case 'week':
      return addDays(start, 7 * n);
    case 'month':
      return addMonths(start, n);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
