// report: the managed-response report card, from buildReport's figures. Four Teams charts, each
// with a `fallback` FactSet of the same numbers (hosts without charts, such as the Agents
// Playground and older clients, show that instead), and every figure also in a sentence for
// screen readers and small screens. Lists are capped so the card stays within the size budget.
import type { Report } from '../src/domain/report/report.ts';
import { toCardTimestamp, type CardTimestamp, type ZeroOrOne } from './card-parts.ts';
import {
  actionsSection,
  awaitingSection,
  handBackSection,
  investigatedSection,
  peopleSection,
} from './report-sections.ts';
import { periodLabel } from './report-words.ts';

/** Teams chart colours (Adaptive Card charts' ChartColor). */
export type ChartColor =
  | 'good'
  | 'warning'
  | 'attention'
  | 'neutral'
  | 'categoricalBlue'
  | 'categoricalPurple'
  | 'divergingLightRed';

/** A row of a chart's fallback FactSet: the same number as the chart, as text. */
export interface ChartFact {
  title: string;
  value: string;
}

export interface ReportCardData {
  /** "Managed response report · Contoso". */
  title: string;
  organizationName: string;
  /** The period and its time zone, e.g. "March 2026 · times in Europe/Berlin". */
  periodLabel: string;
  generatedAt: CardTimestamp;
  investigated: {
    /** Every figure of the section in words. */
    text: string;
    /** Chart.Donut, shown when something was investigated. */
    chart: ZeroOrOne<{
      title: string;
      slices: readonly { legend: string; value: number }[];
      facts: readonly ChartFact[];
    }>;
  };
  awaiting: {
    text: string;
    /** Chart.VerticalBar by age bucket, shown when something awaits. */
    chart: ZeroOrOne<{
      title: string;
      xAxisTitle: string;
      yAxisTitle: string;
      bars: readonly { x: string; y: number; color: ChartColor }[];
      facts: readonly ChartFact[];
    }>;
    /** Markdown links to the incidents in the Defender portal, longest waiting first (capped). */
    links: readonly { text: string }[];
    /** "…and 7 more", when the list was capped. */
    more: ZeroOrOne<{ text: string }>;
  };
  handBack: {
    text: string;
    /** Chart.Line of median and 90th percentile hours, this period and the four before. */
    chart: ZeroOrOne<{
      title: string;
      xAxisTitle: string;
      yAxisTitle: string;
      series: readonly {
        legend: string;
        color: ChartColor;
        points: readonly { x: string; y: number }[];
      }[];
      facts: readonly ChartFact[];
    }>;
  };
  actions: {
    text: string;
    /** Chart.HorizontalBar.Stacked, one bar per action type, shown when any action ended. */
    chart: ZeroOrOne<{
      title: string;
      rows: readonly {
        title: string;
        segments: readonly { legend: string; value: number; color: ChartColor }[];
      }[];
      facts: readonly ChartFact[];
    }>;
    devicesText: string;
  };
  people: {
    text: string;
    noticesText: string;
  };
}

export interface ReportCardLimits {
  /** Awaiting incidents linked one by one; the rest are counted. */
  awaitingLinks: number;
  /** Donut slices; the smallest groups beyond are summed into "Other". */
  slices: number;
  /** People and devices named in the sentences. */
  named: number;
  /** Characters of an incident title in a link. */
  titleChars: number;
}

export const defaultReportCardLimits: ReportCardLimits = {
  awaitingLinks: 10,
  slices: 7,
  named: 8,
  titleChars: 80,
};

export function reportCardData(
  report: Report,
  limits: ReportCardLimits = defaultReportCardLimits,
): ReportCardData {
  const organizationName = report.tenantName;
  return {
    title: `Managed response report · ${organizationName}`,
    organizationName,
    periodLabel: periodLabel(report.period, report.generatedAt),
    generatedAt: toCardTimestamp(report.generatedAt),
    investigated: investigatedSection(report, limits),
    awaiting: awaitingSection(report, limits),
    handBack: handBackSection(report),
    actions: actionsSection(report, limits),
    people: peopleSection(report, limits),
  };
}
