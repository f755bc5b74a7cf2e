// Who changed a tenant's incident contacts, SOC channels or high-value tags, what changed, and when. One record
// per change, written in the same store batch as the change itself, so neither exists alone.
// Keys start with the tenant and the instant, so a prefix list reads a tenant's trail in order.
import { randomUUID } from 'node:crypto';
import type { ContactRef, SocChannel } from '../../domain/tenant.ts';
import type { Store, WriteOp } from '../../store/store.ts';

export const TENANT_AUDIT = 'tenantAudit';

export interface TenantActor {
  /** Entra object id. */
  userId: string;
  name?: string;
}

export type TenantAuditAction =
  | 'contactAdded'
  | 'contactRemoved'
  | 'contactMoved'
  | 'socChannelAdded'
  | 'socChannelRemoved'
  | 'highValueTagAdded'
  | 'highValueTagRemoved';

/** The parts of a tenant that admins manage from Teams. */
export interface TenantPlaces {
  contacts: { primary: ContactRef[]; secondary: ContactRef[] };
  socChannels: SocChannel[];
  /** Present once the tenant has high-value tags (file or Teams). */
  highValueTags?: string[];
}

export interface TenantAuditRecord {
  tenantId: string;
  at: string;
  actor: TenantActor;
  action: TenantAuditAction;
  /** The contact's object id or the channel id the change is about. */
  subject: string;
  subjectName?: string;
  /** e.g. "primary → secondary" for a moved contact. */
  detail?: string;
  before: TenantPlaces;
  after: TenantPlaces;
}

export function auditKey(tenantId: string, at: string, unique: string): string {
  return `${tenantId.toLowerCase()}:${at}:${unique}`;
}

/** A create-only op: two changes in the same millisecond still get two records. */
export function auditOp(record: TenantAuditRecord, unique: string = randomUUID()): WriteOp {
  return {
    kind: 'put',
    collection: TENANT_AUDIT,
    key: auditKey(record.tenantId, record.at, unique),
    value: record,
    expectedVersion: 0,
  };
}

/** A tenant's audit trail, oldest first (the last `limit` records when given). */
export async function readTenantAudit(
  store: Store,
  tenantId: string,
  options: { limit?: number } = {},
): Promise<TenantAuditRecord[]> {
  const records = await store.list<TenantAuditRecord>(TENANT_AUDIT, {
    prefix: `${tenantId.toLowerCase()}:`,
  });
  const values = records.map((r) => r.value);
  return options.limit === undefined ? values : values.slice(-options.limit);
}
