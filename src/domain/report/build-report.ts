// The report's figures from a tenant's stored history: one pure function, no I/O, no clock of its
// own. Rules where a period's edges cut through the history:
// - Investigated in the period: an incident the experts handle with at least one experts' step in
//   [from, to): its creation, an experts' publication or update (audit, via the Experts API), a
//   hand-over to the customer (an awaiting period's start), or its last update while the experts
//   hold it or once it is closed. It is counted with its classification as it stands now.
// - Awaiting now: see awaiting-now.ts (as of `now`, whatever the period).
// - Hand-back times: see hand-back-times.ts; the trend is the four periods before this one, of the
//   same length (rolling) or the previous calendar units (calendar periods).
// - Response actions, people who acted, reminders and escalations: see period-activity.ts; devices
//   still contained are as of `now` (contained-devices.ts).
import { InvalidInputError } from '../errors.ts';
import { incidentStage } from '../incident-lifecycle.ts';
import { awaitingNow } from './awaiting-now.ts';
import { containedDevices } from './contained-devices.ts';
import { handBackFigures, type TimedPeriod } from './hand-back-times.ts';
import { actingContacts, actionOutcomes, noticesSent } from './period-activity.ts';
import type { ReportHistory, ReportIncident } from './report-history.ts';
import { previousPeriods, type CalendarUnit, type ReportPeriod } from './report-period.ts';
import {
  ageBuckets,
  reportSeverities,
  toReportSeverity,
  type ClassificationCount,
  type Report,
} from './report.ts';
import { assertTimeZone } from './zoned-time.ts';

export interface BuildReportOptions {
  /** ISO instants: the period [from, to). */
  from: string;
  to: string;
  now: string;
  /** IANA time zone of the tenant's calendar; default UTC. */
  timeZone?: string;
  /** Set for calendar periods: the trend then steps back by calendar units. */
  calendar?: CalendarUnit;
}

const TREND_PERIODS = 4;

export function buildReport(history: ReportHistory, options: BuildReportOptions): Report {
  const { period, nowMs } = checked(options);
  const fromMs = Date.parse(period.from);
  const toMs = Date.parse(period.to);
  const inPeriod = (at: string) => {
    const ms = Date.parse(at);
    return ms >= fromMs && ms < toMs;
  };

  const incidents = history.incidents.filter((incident) => incident.handledByExperts);
  const steps = expertsStepsByIncident(history);
  const investigated = incidents.filter((incident) =>
    [...ownSteps(incident), ...(steps.get(incident.id) ?? [])].some(inPeriod),
  );
  const awaiting = awaitingNow(incidents, history, nowMs);
  const periods = timedPeriods(history, nowMs);

  return {
    tenantId: history.tenantId,
    tenantName: history.tenantName,
    period,
    generatedAt: new Date(nowMs).toISOString(),
    investigated: {
      total: investigated.length,
      byClassification: classificationCounts(investigated),
      bySeverity: reportSeverities.map((severity) => ({
        severity,
        count: investigated.filter((i) => toReportSeverity(i.severity) === severity).length,
      })),
    },
    awaiting: {
      total: awaiting.length,
      byAge: ageBuckets.map((bucket) => ({
        bucket,
        count: awaiting.filter((a) => a.bucket === bucket).length,
      })),
      incidents: awaiting,
    },
    handBack: {
      current: handBackFigures(periods, period, nowMs),
      previous: previousPeriods(period, TREND_PERIODS).map((p) =>
        handBackFigures(periods, p, nowMs),
      ),
    },
    actions: actionOutcomes(history, inPeriod),
    containedDevices: containedDevices(history.actions, nowMs),
    contacts: actingContacts(history, inPeriod),
    notices: noticesSent(history, inPeriod),
  };
}

function checked(options: BuildReportOptions): { period: ReportPeriod; nowMs: number } {
  const timeZone = options.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const instant = (name: 'from' | 'to' | 'now') => {
    const ms = Date.parse(options[name]);
    if (Number.isNaN(ms)) {
      throw new InvalidInputError(`The report's "${name}" is not a date: ${options[name]}.`);
    }
    return ms;
  };
  const [fromMs, toMs, nowMs] = [instant('from'), instant('to'), instant('now')];
  if (fromMs > toMs) throw new InvalidInputError('The report period ends before it begins.');
  const period: ReportPeriod = {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    timeZone,
    ...(options.calendar ? { calendar: options.calendar } : {}),
  };
  return { period, nowMs };
}

/** The incident's own record of the experts' steps: its creation, and its last update while they hold it or once it is closed. */
function ownSteps(incident: ReportIncident): string[] {
  const stage = incidentStage(incident);
  const held = stage === 'expertsInvestigating' || stage === 'resolved' || stage === 'redirected';
  return held ? [incident.createdAt, incident.lastUpdatedAt] : [incident.createdAt];
}

/** Experts' steps recorded elsewhere, by incident: their API calls and their hand-overs. */
function expertsStepsByIncident(history: ReportHistory): Map<string, string[]> {
  const steps = new Map<string, string[]>();
  const add = (incidentId: string, at: string) => {
    const list = steps.get(incidentId);
    if (list) list.push(at);
    else steps.set(incidentId, [at]);
  };
  for (const entry of history.audit) {
    if (entry.actor.via === 'expertsApi' && entry.incidentId) add(entry.incidentId, entry.at);
  }
  for (const period of history.awaitingPeriods) add(period.incidentId, period.start);
  return steps;
}

function timedPeriods(history: ReportHistory, nowMs: number): TimedPeriod[] {
  const closedAt = new Map<string, number>();
  for (const incident of history.incidents) {
    const stage = incidentStage(incident);
    if (stage === 'resolved' || stage === 'redirected') {
      closedAt.set(incident.id, Date.parse(incident.lastUpdatedAt));
    }
  }
  const result: TimedPeriod[] = [];
  for (const period of history.awaitingPeriods) {
    const startMs = Date.parse(period.start);
    const endMs = period.end === undefined ? undefined : Date.parse(period.end);
    // Unreadable or reversed records are left out rather than reported as nonsense.
    if (Number.isNaN(startMs) || (endMs !== undefined && !(endMs >= startMs))) continue;
    const closed = closedAt.get(period.incidentId);
    const closedMs =
      endMs === undefined && closed !== undefined && closed <= nowMs ? closed : undefined;
    result.push({ startMs, endMs, closedMs });
  }
  return result;
}

function classificationCounts(incidents: readonly ReportIncident[]): ClassificationCount[] {
  const counts = new Map<string, ClassificationCount>();
  for (const { classification, determination } of incidents) {
    const key = `${classification}/${determination}`;
    const found = counts.get(key);
    if (found) found.count += 1;
    else counts.set(key, { classification, determination, count: 1 });
  }
  return [...counts.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.classification.localeCompare(b.classification) ||
      a.determination.localeCompare(b.determination),
  );
}
