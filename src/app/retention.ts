// How long each collection's records are kept after their last write, defined once for every
// store engine (src/store/flat-store.ts applies it). Collections not listed are live state kept
// as long as they are used: incidents (open or not), managed responses, card copies, jobs still
// to run, conversations.
import { DELIVERIES } from '../delivery/delivery-store.ts';
import { TEAMS_PACING } from '../delivery/pacing-record.ts';
import { CHAT_AUDIT } from '../features/chat/chat-audit.ts';
import { SEEN, TRANSCRIPT } from '../features/chat/chat-store.ts';
import { AUDIT_COLLECTION } from '../features/managed-response/audit-trail.ts';
import { CONTAINMENT_REMINDERS } from '../features/containment/reminder-store.ts';
import { CLAIM_AUDIT } from '../features/notifications/claim-audit.ts';
import { DIGESTS } from '../features/notifications/reminders.ts';
import { REPORT_AWAITING_PERIODS } from '../features/reports/awaiting-periods.ts';
import { REPORT_WEEKLY_SENT } from '../features/reports/weekly-reports.ts';
import { TENANT_AUDIT } from '../features/tenants/tenant-audit.ts';
import { OUTBOX_CONSUMED_COLLECTION, OUTBOX_IDS_COLLECTION } from '../watcher/outbox.ts';

export interface RetentionSettings {
  /** Bookkeeping that only de-duplicates (default 30 days). */
  retentionDays: number;
  /** Audit trails and transcripts (default 400 days). */
  auditRetentionDays: number;
}

export function retentionByCollection(settings: RetentionSettings): Record<string, number> {
  const { retentionDays, auditRetentionDays } = settings;
  return {
    // De-duplication records: a delivered job, an outbox event id, a Teams activity id, a sent
    // digest. Nothing asks about them again after the watcher's overlap and Teams' retries.
    [DELIVERIES]: retentionDays,
    [OUTBOX_IDS_COLLECTION]: retentionDays,
    // A legacy event's consumed marker: the next read of the outbox deletes the event it marks.
    [OUTBOX_CONSUMED_COLLECTION]: retentionDays,
    [SEEN]: retentionDays,
    [DIGESTS]: retentionDays,
    [REPORT_WEEKLY_SENT]: retentionDays, // a week's report is only ever sent within that week
    // A tenant's Teams pacing for its next owner: stale after an hour, rewritten while it is busy.
    [TEAMS_PACING]: retentionDays,
    // What people and auditors read back: kept for the audit period, exportable meanwhile.
    [AUDIT_COLLECTION]: auditRetentionDays,
    [CHAT_AUDIT]: auditRetentionDays,
    [TENANT_AUDIT]: auditRetentionDays,
    [CLAIM_AUDIT]: auditRetentionDays,
    [TRANSCRIPT]: auditRetentionDays,
    // The history reports are built from (hand-back times over the last periods).
    [REPORT_AWAITING_PERIODS]: auditRetentionDays,
    // When to ask next whether a device stays contained: rewritten at least once a period (at
    // most 30 days) while it is, so never pruned before its next round (a recreated record would
    // ask again early).
    [CONTAINMENT_REMINDERS]: auditRetentionDays,
  };
}

/**
 * The audit trails whose keys start with their time, kept by the embedded engine as daily
 * append-only logs (src/store/day-log.ts) for auditRetentionDays: a write appends, memory holds
 * only the day's new entries, retention drops whole days, so the trail's history costs disk, not
 * every checkpoint and read. The engine keeps them by day, so they get no per-record expiry.
 */
export function appendOnlyCollections(
  settings: RetentionSettings,
): { name: string; retainDays: number }[] {
  return [AUDIT_COLLECTION, CHAT_AUDIT].map((name) => ({
    name,
    retainDays: settings.auditRetentionDays,
  }));
}
