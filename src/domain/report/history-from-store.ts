// Parts of the report's history that the service does not record as such today, derived from what
// it does record. Stopgaps: each loses something (said below), and the integration should record
// the history directly instead (awaiting periods kept with their end, reminder times kept).
import type { AwaitingPeriod, ReportAuditEntry, SentNotice } from './report-history.ts';

/**
 * Awaiting periods from the managed-response audit trail and the open awaiting records:
 * - a period starts when the hand-over to the customer reached Defender (audit `incidentUpdate`,
 *   operation `handToCustomer`, result `done`) and ends at the customer's hand-back (audit
 *   `handBack`), per incident, in time order; a second hand-over while one is open changes nothing;
 * - an open awaiting record (collection `awaiting`: the watcher saw the incident awaiting) is the
 *   period in progress; its `since` is what reminders count from, so it wins over the audit's start.
 * Lost: a hand-over made in Defender by the experts themselves and handed back is not in the audit
 * (no start, so not measured); a period that ended any other way (the experts took the incident
 * back, or resolved it) has no end and no record, so it is dropped rather than left open forever.
 */
export function awaitingPeriodsFromAudit(
  audit: readonly ReportAuditEntry[],
  openRecords: readonly { incidentId: string; since: string }[],
): AwaitingPeriod[] {
  const byIncident = new Map<string, ReportAuditEntry[]>();
  for (const entry of audit) {
    if (!entry.incidentId || !(isHandOver(entry) || entry.kind === 'handBack')) continue;
    const list = byIncident.get(entry.incidentId) ?? [];
    list.push(entry);
    byIncident.set(entry.incidentId, list);
  }
  const openSince = new Map(openRecords.map((r) => [r.incidentId, r.since]));
  const periods: AwaitingPeriod[] = [];
  for (const [incidentId, entries] of byIncident) {
    entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    let start: string | undefined;
    for (const entry of entries) {
      if (isHandOver(entry)) {
        start ??= entry.at;
      } else if (start !== undefined) {
        periods.push({ incidentId, start, end: entry.at });
        start = undefined;
      }
    }
    const since = openSince.get(incidentId);
    if (since !== undefined) periods.push({ incidentId, start: since });
    openSince.delete(incidentId);
  }
  for (const [incidentId, since] of openSince) periods.push({ incidentId, start: since });
  return periods;
}

function isHandOver(entry: ReportAuditEntry): boolean {
  return (
    entry.kind === 'incidentUpdate' &&
    entry.operation === 'handToCustomer' &&
    entry.result === 'done'
  );
}

/**
 * Reminders and escalations from the delivery records (collection `deliveries`, one per delivered
 * job, kept today with no retention). Job ids are the reminder jobs' own (reminder-jobs.ts):
 * `reminder:{tenant}:{incident}:{periodMs}:{n}:{user}` and `escalation:{tenant}:{incident}:{periodMs}:{user}`.
 * One notice per reminder (all its recipients), at its first delivery. Lost: notices whose
 * delivery records were removed, and any the delivery engine parked (never delivered).
 */
export function noticesFromDeliveries(
  deliveries: readonly { jobId: string; deliveredAt: string }[],
  tenantId: string,
): SentNotice[] {
  const tenantKey = tenantId.toLowerCase();
  const notices = new Map<string, SentNotice & { firstMs: number }>();
  for (const { jobId, deliveredAt } of deliveries) {
    const parsed = parseNoticeJobId(jobId);
    if (!parsed || parsed.tenantKey !== tenantKey) continue;
    const ms = Date.parse(deliveredAt);
    if (Number.isNaN(ms)) continue;
    const found = notices.get(parsed.noticeKey);
    if (found) {
      found.recipients += 1;
      if (ms < found.firstMs) [found.firstMs, found.at] = [ms, new Date(ms).toISOString()];
    } else {
      const at = new Date(ms).toISOString();
      const { kind, incidentId } = parsed;
      notices.set(parsed.noticeKey, { kind, incidentId, at, recipients: 1, firstMs: ms });
    }
  }
  return [...notices.values()]
    .map(({ firstMs: _firstMs, ...notice }) => notice)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function parseNoticeJobId(
  jobId: string,
):
  | { kind: SentNotice['kind']; tenantKey: string; incidentId: string; noticeKey: string }
  | undefined {
  const parts = jobId.split(':');
  const [kind, tenantKey, incidentId, period] = parts;
  if (!tenantKey || !incidentId || !period) return undefined;
  if (kind === 'reminder' && parts.length === 6) {
    return { kind, tenantKey, incidentId, noticeKey: parts.slice(0, 5).join(':') };
  }
  if (kind === 'escalation' && parts.length === 5) {
    return { kind, tenantKey, incidentId, noticeKey: parts.slice(0, 4).join(':') };
  }
  return undefined;
}
