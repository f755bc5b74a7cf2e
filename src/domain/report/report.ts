// The figures of a report: what `buildReport` returns, what the report card shows and what the
// Experts API sends as JSON. Durations are milliseconds; instants are ISO strings (UTC).
import type { Classification, Determination } from '../incident.ts';
import type { ActionKind } from '../response-action.ts';
import type { ContainedDevice } from './contained-devices.ts';
import type { ReportPeriod } from './report-period.ts';

export type { ContainedDevice, Containment } from './contained-devices.ts';

/** How long an incident has awaited the customer: [0, 4 h), [4 h, 24 h), [1 d, 3 d), 3 d and more. */
export const ageBuckets = ['under4Hours', 'hours4To24', 'days1To3', 'over3Days'] as const;
export type AgeBucket = (typeof ageBuckets)[number];

/** Severities in the order a report lists them; Graph's unknownFutureValue counts as unknown. */
export const reportSeverities = ['high', 'medium', 'low', 'informational', 'unknown'] as const;
export type ReportSeverity = (typeof reportSeverities)[number];

export interface ClassificationCount {
  classification: Classification;
  determination: Determination;
  count: number;
}

export interface AwaitingIncidentFigure {
  id: string;
  title: string;
  severity: ReportSeverity;
  /** When this awaiting period began. */
  since: string;
  waitedMs: number;
  bucket: AgeBucket;
  /** The incident in the Microsoft Defender portal. */
  webUrl: string;
}

/** Time from Awaiting Customer Action to hand-back, over one period. */
export interface HandBackFigures {
  from: string;
  to: string;
  /** Hand-backs that happened in the period (whenever their awaiting period began). */
  handBacks: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** Awaiting periods begun before the period's end and not handed back by then. */
  openAtEnd: number;
}

export interface ActionOutcomes {
  kind: ActionKind;
  completed: number;
  skipped: number;
  failed: number;
}

export interface ActingContact {
  userId: string;
  name: string;
  /** Response actions they ran, retried, completed or skipped in the period. */
  actions: number;
}

export interface Report {
  tenantId: string;
  tenantName: string;
  period: ReportPeriod;
  generatedAt: string;
  investigated: {
    total: number;
    /** Most frequent first. Open incidents count with their current (often unknown) value. */
    byClassification: ClassificationCount[];
    /** Every report severity, zeros included, in `reportSeverities` order. */
    bySeverity: { severity: ReportSeverity; count: number }[];
  };
  awaiting: {
    total: number;
    /** Every bucket, zeros included, in `ageBuckets` order. */
    byAge: { bucket: AgeBucket; count: number }[];
    /** Longest waiting first. */
    incidents: AwaitingIncidentFigure[];
  };
  handBack: {
    current: HandBackFigures;
    /** The four periods before `current`, oldest first (the trend). */
    previous: HandBackFigures[];
  };
  actions: {
    total: Omit<ActionOutcomes, 'kind'>;
    /** Kinds with at least one outcome in the period: one-click kinds first, then manual. */
    byKind: ActionOutcomes[];
  };
  /** As of `generatedAt`, longest contained first. */
  containedDevices: ContainedDevice[];
  /** Most active first. */
  contacts: ActingContact[];
  notices: {
    reminders: number;
    reminderRecipients: number;
    escalations: number;
    escalationRecipients: number;
  };
}

export function toReportSeverity(severity: string): ReportSeverity {
  const lower = severity.toLowerCase();
  return (reportSeverities as readonly string[]).includes(lower)
    ? (lower as ReportSeverity)
    : 'unknown';
}
