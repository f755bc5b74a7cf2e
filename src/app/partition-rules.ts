// Which customer tenant each collection's records belong to, read from their keys: the rules the
// store routes by with STORE_PARTITIONS=tenant (src/store/partition-router.ts), defined once for
// every collection, as retention is (src/app/retention.ts). A collection without a rule lives in
// the service partition; so does a record whose key names no tenant (ids from before a key
// named its tenant, test fixtures). The layouts that need more than "the tenant, then ':'" are
// defined by the module that builds those keys.
import { deliveryPartitionRules, DELIVERY_KEY_KINDS } from '../delivery/delivery-store.ts';
import { TEAMS_PACING } from '../delivery/pacing-record.ts';
import { chatAuditPartitionRule } from '../features/chat/chat-audit.ts';
import { chatPartitionRules } from '../features/chat/chat-store.ts';
import { CONTAINMENT_REMINDERS } from '../features/containment/reminder-store.ts';
import { auditPartitionRule } from '../features/managed-response/audit-trail.ts';
import { COPIES_COLLECTION, DEFERRED_COPIES } from '../features/managed-response/card-copies.ts';
import { DEVICE_ACTIONS } from '../features/managed-response/device-action-index.ts';
import { TASKS_COLLECTION } from '../features/managed-response/incident-tasks.ts';
import { OPEN_STEPS_COLLECTION } from '../features/managed-response/open-steps.ts';
import { AWAITING } from '../features/notifications/awaiting-tracker.ts';
import { CLAIM_AUDIT } from '../features/notifications/claim-audit.ts';
import { CONTACT_REACH } from '../features/notifications/contact-reach-store.ts';
import { MAIL_NOTICES } from '../features/notifications/mail-notices.ts';
import { DIGESTS } from '../features/notifications/reminders.ts';
import { PERMISSION_NOTICES } from '../features/notifications/unreachable-install.ts';
import { REPORTS } from '../features/notifications/unreachable-reports.ts';
import { REPORT_AWAITING_PERIODS } from '../features/reports/awaiting-periods.ts';
import { REPORT_WEEKLY_SENT } from '../features/reports/weekly-reports.ts';
import { TENANT_AUDIT } from '../features/tenants/tenant-audit.ts';
import { TENANT_OVERRIDES } from '../features/tenants/tenant-overrides.ts';
import { conversationPartitionRules } from '../shared/conversation-registry.ts';
import { MANAGED_RESPONSES } from '../shared/managed-response-repository.ts';
import { PartitionRouter } from '../store/partition-router.ts';
import {
  tenantField,
  tenantRules,
  type TenantKeyRule,
  type TenantOfKey,
} from '../store/tenant-key-rule.ts';
import { AWAITING_INDEX, AWAITING_INDEX_FILLED } from '../watcher/awaiting-index.ts';
import { SNAPSHOTS_COLLECTION } from '../watcher/incident-snapshots.ts';
import { outboxPartitionRules } from '../watcher/outbox.ts';
import { WATERMARKS_COLLECTION } from '../watcher/watermark-record.ts';

export function partitionRules(): TenantKeyRule[] {
  return [
    // `<tenant>:…`, the tenant id lower-cased.
    ...tenantRules(
      [
        AWAITING,
        AWAITING_INDEX,
        CLAIM_AUDIT,
        CONTACT_REACH,
        CONTAINMENT_REMINDERS,
        COPIES_COLLECTION,
        DEFERRED_COPIES,
        DEVICE_ACTIONS,
        DIGESTS,
        MAIL_NOTICES,
        MANAGED_RESPONSES,
        OPEN_STEPS_COLLECTION,
        PERMISSION_NOTICES,
        REPORT_AWAITING_PERIODS,
        REPORT_WEEKLY_SENT,
        SNAPSHOTS_COLLECTION,
        TENANT_AUDIT,
      ],
      tenantField(0),
    ),
    ...tenantRules(
      [WATERMARKS_COLLECTION, TENANT_OVERRIDES, TEAMS_PACING, AWAITING_INDEX_FILLED],
      tenantField(0, { last: true }),
    ),
    // `conversation:<tenant>:…` / `personal:<tenant>:…` (a delivery target's key, not encoded).
    { collection: REPORTS, tenantOf: tenantField(0, { kinds: DELIVERY_KEY_KINDS }) },
    // `<ISO time>~<tenant>:<incident>:…`: ordered by time, in the tenant's partition.
    { collection: TASKS_COLLECTION, tenantOf: afterTime(tenantField(0)) },
    auditPartitionRule,
    chatAuditPartitionRule,
    ...chatPartitionRules,
    ...conversationPartitionRules,
    ...deliveryPartitionRules,
    ...outboxPartitionRules,
  ];
}

export function partitionRouter(): PartitionRouter {
  return new PartitionRouter(partitionRules());
}

function afterTime(rest: TenantOfKey): TenantOfKey {
  return (key, isPrefix) => {
    const at = key.indexOf('~');
    return at < 0 ? undefined : rest(key.slice(at + 1), isPrefix);
  };
}
