// Synthetic report history: valid defaults, overridden per test. Times are ISO strings built from
// one anchor so each test reads as "hours before now".
import type {
  AwaitingPeriod,
  ReportAction,
  ReportAuditEntry,
  ReportHistory,
  ReportIncident,
  SentNotice,
} from '../../../src/domain/report/report-history.ts';

export const TENANT = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
/** "now" of most tests: Monday 2 March 2026, 12:00 UTC. */
export const NOW = '2026-03-02T12:00:00.000Z';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The instant `hours` before NOW (negative: after). */
export function hoursAgo(hours: number, now = NOW): string {
  return new Date(Date.parse(now) - hours * HOUR).toISOString();
}

export function daysAgo(days: number, now = NOW): string {
  return hoursAgo(days * 24, now);
}

export function reportIncident(overrides: Partial<ReportIncident> = {}): ReportIncident {
  return {
    id: '1001',
    title: 'Multi-stage incident involving ransomware on WS-0142',
    severity: 'high',
    status: 'resolved',
    assignedTo: null,
    classification: 'truePositive',
    determination: 'malware',
    createdAt: daysAgo(2),
    lastUpdatedAt: daysAgo(1),
    handledByExperts: true,
    webUrl: `https://security.microsoft.com/incidents/1001?tid=${TENANT}`,
    ...overrides,
  };
}

/** An incident that awaits the customer now. */
export function awaitingIncident(overrides: Partial<ReportIncident> = {}): ReportIncident {
  return reportIncident({
    status: 'active',
    assignedTo: 'Customer',
    classification: 'unknown',
    determination: 'unknown',
    ...overrides,
  });
}

export function period(incidentId: string, start: string, end?: string): AwaitingPeriod {
  return end === undefined ? { incidentId, start } : { incidentId, start, end };
}

export function action(overrides: Partial<ReportAction> = {}): ReportAction {
  return {
    incidentId: '1001',
    id: 'act-1',
    kind: 'isolateDevice',
    status: 'completed',
    history: [
      { at: hoursAgo(5), to: 'inProgress' },
      { at: hoursAgo(4), to: 'completed' },
    ],
    device: { deviceId: 'dev-1', deviceName: 'WS-0142' },
    ...overrides,
  };
}

export function customerClick(
  at: string,
  userId = 'u-adele',
  name = 'Adele Vance',
  overrides: Partial<ReportAuditEntry> = {},
): ReportAuditEntry {
  return {
    at,
    kind: 'attempt',
    actor: { userId, name, via: 'teams' },
    incidentId: '1001',
    operation: 'runAction',
    result: 'started',
    ...overrides,
  };
}

export function expertsEntry(at: string, incidentId = '1001'): ReportAuditEntry {
  return {
    at,
    kind: 'publish',
    actor: { userId: 'expert-1', name: 'Experts analyst', via: 'expertsApi' },
    incidentId,
    operation: 'publish',
    result: 'published',
  };
}

export function notice(kind: SentNotice['kind'], at: string, recipients = 1): SentNotice {
  return { kind, incidentId: '1001', at, recipients };
}

export function history(overrides: Partial<ReportHistory> = {}): ReportHistory {
  return {
    tenantId: TENANT,
    tenantName: 'Contoso',
    incidents: [],
    awaitingPeriods: [],
    actions: [],
    audit: [],
    notices: [],
    ...overrides,
  };
}

/** Options for the 7 days before NOW. */
export function lastWeek(now = NOW) {
  return { from: daysAgo(7, now), to: now, now };
}
