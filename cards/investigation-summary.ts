// investigation-summary.json: the experts' investigation summary of an incident. Long content is
// folded: the narrative's first paragraph-sized part is shown and the rest sits behind "Show
// more"; timeline and indicator lists show their first rows and fold the others.
import type { Incident } from '../src/domain/incident.ts';
import type { Indicator, ManagedResponse } from '../src/domain/managed-response.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import {
  toCardTimestamp,
  type Badge,
  type CardTimestamp,
  type FoldedList,
  type ZeroOrOne,
} from './card-parts.ts';
import { truncate } from './card-text.ts';
import { incidentWebUrl, severityBadge } from './incident-labels.ts';
import { renderCard } from './render-card.ts';
import { shrinkToFit } from './shrink-to-fit.ts';

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

export interface SummaryLimits {
  /** Characters of narrative shown before "Show more". */
  narrativeVisible: number;
  /** Characters of narrative in all (the folded part is cut beyond it). */
  narrativeTotal: number;
  /** Rows shown before folding, and rows kept in all, per list. */
  rowsVisible: number;
  rowsTotal: number;
  /** Characters per row text (event, indicator value and description). */
  rowText: number;
}

export const defaultSummaryLimits: SummaryLimits = {
  narrativeVisible: 400,
  narrativeTotal: 6000,
  rowsVisible: 4,
  rowsTotal: 40,
  rowText: 300,
};

export function summaryCardData(
  response: ManagedResponse,
  incident: Incident | undefined,
  limits: SummaryLimits = defaultSummaryLimits,
): InvestigationSummaryCardData {
  const { summary } = response;
  const timeline: TimelineRow[] = summary.timeline.map((entry) => ({
    at: toCardTimestamp(entry.at),
    device: truncate(entry.device, 100),
    event: truncate(entry.event, limits.rowText),
  }));
  return {
    incidentId: response.incidentId,
    title: truncate(incident?.title ?? summary.headline, 200),
    severity: severityBadge(summary.severity),
    potentialImpact: truncate(summary.potentialImpact, 1000),
    headline: truncate(summary.headline, 400),
    narrative: foldText(summary.narrative, limits),
    timeline: section(timeline, limits),
    indicatorsOfAttack: section(summary.indicatorsOfAttack.map(row(limits)), limits),
    indicatorsOfCompromise: section(summary.indicatorsOfCompromise.map(row(limits)), limits),
    webUrl: incidentWebUrl(response, incident),
  };
}

function row(limits: SummaryLimits): (indicator: Indicator) => IndicatorRow {
  return (indicator) => ({
    type: truncate(indicator.type, 40),
    value: truncate(indicator.value, limits.rowText),
    description: indicator.description
      ? [{ text: truncate(indicator.description, limits.rowText) }]
      : [],
  });
}

function section<T>(rows: readonly T[], limits: SummaryLimits): ZeroOrOne<FoldedList<T>> {
  if (rows.length === 0) return [];
  const kept = rows.slice(0, limits.rowsTotal);
  const visible = kept.slice(0, limits.rowsVisible);
  const rest = kept.slice(limits.rowsVisible);
  return [{ visible, folded: rest.length > 0 ? [{ count: rest.length, items: rest }] : [] }];
}

/** Splits at a sentence end before the limit when there is one, else at a word boundary. */
export function foldText(
  text: string,
  limits: Pick<SummaryLimits, 'narrativeVisible' | 'narrativeTotal'>,
): InvestigationSummaryCardData['narrative'] {
  const all = truncate(text.trim(), limits.narrativeTotal);
  if (all.length <= limits.narrativeVisible) return { visible: all, folded: [] };
  const head = all.slice(0, limits.narrativeVisible);
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'));
  const word = head.lastIndexOf(' ');
  const cut = sentence > limits.narrativeVisible / 3 ? sentence + 1 : word > 0 ? word : head.length;
  const rest = all.slice(cut).trim();
  return { visible: all.slice(0, cut).trim(), folded: rest ? [{ text: rest }] : [] };
}

const summarySteps: SummaryLimits[] = [
  defaultSummaryLimits,
  { narrativeVisible: 400, narrativeTotal: 3000, rowsVisible: 4, rowsTotal: 20, rowText: 200 },
  { narrativeVisible: 300, narrativeTotal: 1200, rowsVisible: 3, rowsTotal: 10, rowText: 120 },
  { narrativeVisible: 200, narrativeTotal: 400, rowsVisible: 3, rowsTotal: 5, rowText: 80 },
];

export function renderSummaryCard(
  response: ManagedResponse,
  incident: Incident | undefined,
): AdaptiveCard {
  return shrinkToFit(summarySteps, (limits) =>
    renderCard('investigation-summary', summaryCardData(response, incident, limits)),
  );
}
