// The incidents awaiting the customer at the report's `now`, each aged from the start of its open
// awaiting period (the incident's last update when no period was recorded, as the awaiting queue
// does), longest waiting first, with its link in the Microsoft Defender portal.
import { isAwaitingCustomer } from '../incident.ts';
import type { ReportHistory, ReportIncident } from './report-history.ts';
import { toReportSeverity, type AgeBucket, type AwaitingIncidentFigure } from './report.ts';

const HOUR_MS = 3_600_000;

export function awaitingNow(
  incidents: readonly ReportIncident[],
  history: Pick<ReportHistory, 'tenantId' | 'awaitingPeriods'>,
  nowMs: number,
): AwaitingIncidentFigure[] {
  const openSince = new Map<string, number>();
  for (const period of history.awaitingPeriods) {
    const startMs = Date.parse(period.start);
    if (period.end !== undefined || !(startMs <= nowMs)) continue;
    openSince.set(period.incidentId, Math.max(openSince.get(period.incidentId) ?? 0, startMs));
  }
  return incidents
    .filter((incident) => isAwaitingCustomer(incident))
    .map((incident) => {
      const sinceMs = openSince.get(incident.id) ?? Date.parse(incident.lastUpdatedAt);
      const waitedMs = Number.isNaN(sinceMs) ? 0 : Math.max(0, nowMs - sinceMs);
      return {
        id: incident.id,
        title: incident.title,
        severity: toReportSeverity(incident.severity),
        since: new Date(Number.isNaN(sinceMs) ? nowMs : sinceMs).toISOString(),
        waitedMs,
        bucket: ageBucket(waitedMs),
        webUrl: portalUrl(history.tenantId, incident),
      };
    })
    .sort((a, b) => b.waitedMs - a.waitedMs || a.id.localeCompare(b.id));
}

/** [0, 4 h) · [4 h, 24 h) · [24 h, 72 h) · 72 h and more. */
export function ageBucket(waitedMs: number): AgeBucket {
  if (waitedMs < 4 * HOUR_MS) return 'under4Hours';
  if (waitedMs < 24 * HOUR_MS) return 'hours4To24';
  if (waitedMs < 72 * HOUR_MS) return 'days1To3';
  return 'over3Days';
}

/** Graph's incidentWebUrl when it is a web address, else the Defender portal's incident page. */
export function portalUrl(
  tenantId: string,
  incident: Pick<ReportIncident, 'id' | 'webUrl'>,
): string {
  if (/^https:\/\/\S+$/i.test(incident.webUrl)) return incident.webUrl;
  const id = encodeURIComponent(incident.id);
  return `https://security.microsoft.com/incidents/${id}?tid=${encodeURIComponent(tenantId)}`;
}
