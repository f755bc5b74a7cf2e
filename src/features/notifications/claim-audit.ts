// Who claimed, released or let lapse a claim on an incident, and refusals to claim. One record per
// change, written in the same store batch as the change, so neither exists without the other.
// Keys start with the tenant and the instant, so a prefix list reads a tenant's trail in order.
import { randomUUID } from 'node:crypto';
import type { Store, WriteOp } from '../../store/store.ts';

export const CLAIM_AUDIT = 'incidentClaimAudit';

export type ClaimAuditAction = 'claimed' | 'released' | 'lapsed' | 'refused';

export interface ClaimAuditRecord {
  tenantId: string;
  incidentId: string;
  at: string;
  action: ClaimAuditAction;
  /** Who did it; the service itself ('system') for a lapse. */
  actor: { userId: string; name?: string };
  /** The claimer the record is about (a lapse, a release, a refusal because of them). */
  claimer?: { userId: string; name: string };
  detail?: string;
}

/** Create-only: two records in the same millisecond still get two keys. */
export function claimAuditOp(record: ClaimAuditRecord, unique: string = randomUUID()): WriteOp {
  return {
    kind: 'put',
    collection: CLAIM_AUDIT,
    key: `${record.tenantId.toLowerCase()}:${record.at}:${unique}`,
    value: record,
    expectedVersion: 0,
  };
}

export async function readClaimAudit(store: Store, tenantId: string): Promise<ClaimAuditRecord[]> {
  const records = await store.list<ClaimAuditRecord>(CLAIM_AUDIT, {
    prefix: `${tenantId.toLowerCase()}:`,
  });
  return records.map((r) => r.value);
}
