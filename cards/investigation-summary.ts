// investigation-summary.json: the experts' investigation summary of an incident.
import type { Badge, CardTimestamp, FoldedList, ZeroOrOne } from './card-parts.ts';

export interface TimelineRow {
  at: CardTimestamp;
  device: string;
  event: string;
}

export interface IndicatorRow {
  /** e.g. "file", "ip", "url", "process", "technique". */
  type: string;
  value: string;
  description: ZeroOrOne<{ text: string }>;
}

/** investigation-summary: the experts' investigation summary. */
export interface InvestigationSummaryCardData {
  incidentId: string;
  title: string;
  severity: Badge;
  potentialImpact: string;
  headline: string;
  /** The narrative's first part, and the rest behind "Show more". */
  narrative: { visible: string; folded: ZeroOrOne<{ text: string }> };
  /** Each section is hidden entirely when `[]`. */
  timeline: ZeroOrOne<FoldedList<TimelineRow>>;
  indicatorsOfAttack: ZeroOrOne<FoldedList<IndicatorRow>>;
  indicatorsOfCompromise: ZeroOrOne<FoldedList<IndicatorRow>>;
  webUrl: string;
}
