// The report card's sections, one function each: the sentences (every figure in words), the
// chart data and the fallback table of the same numbers. reportCardData (report.ts) assembles them.
import type { HandBackFigures, Report } from '../src/domain/report/report.ts';
import type { ChartColor, ReportCardData, ReportCardLimits } from './report.ts';
import {
  actionKindWords,
  ageBucketWords,
  classificationLabel,
  classificationPhrase,
  dayLabel,
  duration,
  hours,
  listOf,
  periodRange,
  plural,
  severityWords,
  shortPeriodLabel,
  truncate,
} from './report-words.ts';

export function investigatedSection(
  report: Report,
  limits: ReportCardLimits,
): ReportCardData['investigated'] {
  const { total, byClassification, bySeverity } = report.investigated;
  if (total === 0) {
    return { text: 'The experts investigated no incident in this period.', chart: [] };
  }
  const groups = byClassification.map((g) => ({
    legend: classificationLabel(g.classification, g.determination),
    phrase: classificationPhrase(g.classification, g.determination),
    value: g.count,
  }));
  const shown = groups.slice(0, limits.slices);
  const rest = groups.slice(limits.slices);
  const slices = [
    ...shown,
    ...(rest.length > 0 ? [{ legend: 'Other', value: sum(rest) }] : []),
  ].map(({ legend, value }) => ({ legend, value }));
  const severities = bySeverity
    .filter((s) => s.count > 0)
    .map((s) => `${s.count} ${severityWords[s.severity].toLowerCase()}`);
  const classified = groups.map((g) => `${g.value} ${g.phrase}`);
  return {
    text: `The experts investigated ${plural(total, 'incident')}: ${listOf(classified)}. By severity: ${listOf(severities)}.`,
    chart: [
      {
        title: 'Incidents by classification',
        slices,
        facts: [
          ...slices.map((s) => ({ title: s.legend, value: String(s.value) })),
          ...bySeverity
            .filter((s) => s.count > 0)
            .map((s) => ({
              title: `Severity ${severityWords[s.severity].toLowerCase()}`,
              value: String(s.count),
            })),
        ],
      },
    ],
  };
}

const bucketColors: readonly ChartColor[] = ['good', 'warning', 'divergingLightRed', 'attention'];

export function awaitingSection(
  report: Report,
  limits: ReportCardLimits,
): ReportCardData['awaiting'] {
  const { total, byAge, incidents } = report.awaiting;
  const org = report.tenantName;
  if (total === 0) {
    return { text: `Nothing awaits ${org}'s action now.`, chart: [], links: [], more: [] };
  }
  const ages = byAge
    .filter((b) => b.count > 0)
    .map((b) => `${ageBucketWords[b.bucket].long}: ${b.count}`);
  const links = incidents.slice(0, limits.awaitingLinks).map((incident) => {
    const label = `Incident ${incident.id}: ${truncate(incident.title, limits.titleChars)}`;
    const severity = severityWords[incident.severity];
    return {
      text: `[${linkText(label)}](${linkUrl(incident.webUrl)}) · ${severity} · waiting ${duration(incident.waitedMs)}`,
    };
  });
  const hidden = incidents.length - links.length;
  return {
    text: `${plural(total, 'incident')} ${total === 1 ? 'awaits' : 'await'} ${org}'s action, by time waited: ${ages.join('; ')}.`,
    chart: [
      {
        title: 'Awaiting by time waited',
        xAxisTitle: 'Waiting',
        yAxisTitle: 'Incidents',
        bars: byAge.map((b, i) => ({
          x: ageBucketWords[b.bucket].short,
          y: b.count,
          color: bucketColors[i] ?? 'neutral',
        })),
        facts: byAge.map((b) => ({
          title: `Waiting ${ageBucketWords[b.bucket].long}`,
          value: String(b.count),
        })),
      },
    ],
    links,
    more:
      hidden > 0 ? [{ text: `…and ${hidden} more: the **awaiting** command lists them all.` }] : [],
  };
}

export function handBackSection(report: Report): ReportCardData['handBack'] {
  const { current, previous } = report.handBack;
  const { timeZone, calendar } = report.period;
  const range = (p: HandBackFigures) =>
    periodRange({ ...p, timeZone, ...(calendar ? { calendar } : {}) });
  const all = [...previous, current];
  const measured = all.filter((p) => p.medianMs !== null && p.p90Ms !== null);
  const now =
    current.medianMs === null
      ? 'No hand-back in this period.'
      : `${capitalised(figures(current))} in this period.`;
  const open =
    current.openAtEnd > 0
      ? ` ${plural(current.openAtEnd, 'hand-over')} still open, not counted until handed back.`
      : '';
  const trend = previous.map(
    (p) => `${range(p)}: ${p.medianMs === null ? 'no hand-back' : figures(p)}`,
  );
  const text = `${now}${open} The four periods before: ${trend.join('; ')}.`;
  if (measured.length === 0) return { text, chart: [] };
  const x = (p: HandBackFigures) =>
    p === current
      ? 'This period'
      : shortPeriodLabel({ ...p, timeZone, ...(calendar ? { calendar } : {}) });
  return {
    text,
    chart: [
      {
        title: 'Hours from hand-over to hand-back',
        xAxisTitle: 'Period',
        yAxisTitle: 'Hours',
        series: [
          {
            legend: 'Median',
            color: 'categoricalBlue',
            points: measured.map((p) => ({ x: x(p), y: hours(p.medianMs ?? 0) })),
          },
          {
            legend: '90th percentile',
            color: 'categoricalPurple',
            points: measured.map((p) => ({ x: x(p), y: hours(p.p90Ms ?? 0) })),
          },
        ],
        facts: all.map((p) => ({
          title: p === current ? `This period (${range(p)})` : range(p),
          value:
            p.medianMs === null || p.p90Ms === null
              ? `no hand-back · ${p.openAtEnd} open`
              : `median ${hours(p.medianMs)} h · 90th percentile ${hours(p.p90Ms)} h · ${plural(p.handBacks, 'hand-back')} · ${p.openAtEnd} open`,
        })),
      },
    ],
  };
}

/** "median 5.5 hours, 90th percentile 20 hours over 8 hand-backs". */
function figures(p: HandBackFigures): string {
  return `median ${duration(p.medianMs ?? 0)}, 90th percentile ${duration(p.p90Ms ?? 0)} over ${plural(p.handBacks, 'hand-back')}`;
}

export function actionsSection(
  report: Report,
  limits: ReportCardLimits,
): ReportCardData['actions'] {
  const { total, byKind } = report.actions;
  const devicesText = devicesSentence(report, limits);
  const count = total.completed + total.skipped + total.failed;
  if (count === 0) {
    return {
      text: 'No response action was completed, skipped or failed in this period.',
      chart: [],
      devicesText,
    };
  }
  const outcomes = (o: { completed: number; skipped: number; failed: number }) => [
    `${o.completed} completed`,
    `${o.skipped} skipped`,
    `${o.failed} failed`,
  ];
  const perKind = byKind.map(
    (row) =>
      `${actionKindWords[row.kind]}: ${outcomes(row)
        .filter((t) => !t.startsWith('0 '))
        .join(', ')}`,
  );
  return {
    text: `${plural(count, 'response action')} ended in this period: ${listOf(outcomes(total))}. ${perKind.join('; ')}.`,
    chart: [
      {
        title: 'Response actions by type and outcome',
        rows: byKind.map((row) => ({
          title: actionKindWords[row.kind],
          segments: [
            { legend: 'Completed', value: row.completed, color: 'good' },
            { legend: 'Skipped', value: row.skipped, color: 'neutral' },
            { legend: 'Failed', value: row.failed, color: 'attention' },
          ],
        })),
        facts: byKind.map((row) => ({
          title: actionKindWords[row.kind],
          value: outcomes(row).join(' · '),
        })),
      },
    ],
    devicesText,
  };
}

function devicesSentence(report: Report, limits: ReportCardLimits): string {
  const devices = report.containedDevices;
  if (devices.length === 0) return 'No device is contained by a response action now.';
  const named = devices.slice(0, limits.named).map((d) => {
    const how = d.containments
      .map((c) => (c === 'isolated' ? 'isolated' : 'app execution restricted'))
      .join(' and ');
    return `${truncate(d.deviceName || d.deviceId, 40)} (${how} since ${dayLabel(d.since, report.period.timeZone)})`;
  });
  const rest = devices.length - named.length;
  const list = rest > 0 ? `${named.join(', ')} and ${rest} more` : listOf(named);
  return `${plural(devices.length, 'device is', 'devices are')} still contained: ${list}.`;
}

export function peopleSection(report: Report, limits: ReportCardLimits): ReportCardData['people'] {
  const { contacts, notices } = report;
  const named = contacts
    .slice(0, limits.named)
    .map((c) => `${truncate(c.name || c.userId, 40)} (${c.actions})`);
  const rest = contacts.length - named.length;
  const text =
    contacts.length === 0
      ? `Nobody at ${report.tenantName} acted on a response action in this period.`
      : `${plural(contacts.length, 'person', 'people')} acted on response actions: ${rest > 0 ? `${named.join(', ')} and ${rest} more` : listOf(named)}.`;
  const noticesText =
    notices.reminders + notices.escalations === 0
      ? 'No reminder or escalation was sent in this period.'
      : `Reminders sent: ${notices.reminders} (to ${plural(notices.reminderRecipients, 'person', 'people')}). Escalations sent: ${notices.escalations} (to ${plural(notices.escalationRecipients, 'person', 'people')}).`;
  return { text, noticesText };
}

/** Square brackets would end a markdown link's text early. */
function linkText(text: string): string {
  return text.replace(/\[/g, '(').replace(/\]/g, ')');
}

/** Parentheses and spaces would end a markdown link's address early. */
function linkUrl(url: string): string {
  return url.replace(
    /[()\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function sum(items: readonly { value: number }[]): number {
  return items.reduce((n, item) => n + item.value, 0);
}
