// The audit trail of managed responses: an append-only record of every publication, action
// attempt, confirmation, refusal and outcome. Keys start with the ISO time and a per-process
// sequence, so `list` returns entries in time order; a random suffix keeps keys written by two
// instances in the same millisecond apart; the tenant ends the key, so an entry lives in its
// tenant's partition, beside the change it records (entries from before that have none and stay
// in the service partition). Entries are created (expectedVersion 0), never changed.
import type { Clock } from '../../platform/clock.ts';
import { randomBytes } from 'node:crypto';
import type { Store, WriteOp } from '../../store/store.ts';
import { tenantField, tenantKeyField, type TenantKeyRule } from '../../store/tenant-key-rule.ts';

export const AUDIT_COLLECTION = 'managedResponseAudit';

/** `<ISO time>~<seq>~<random>~<tenant>`: the fourth field, URI-encoded. */
export const auditPartitionRule: TenantKeyRule = {
  collection: AUDIT_COLLECTION,
  tenantOf: tenantField(3, { separator: '~', encoded: true, last: true }),
};

export const auditKinds = [
  'publish',
  'addActions',
  'expertUpdate',
  'attempt',
  'confirmation',
  'refusal',
  'outcome',
  'handBack',
  'incidentUpdate',
] as const;
export type AuditKind = (typeof auditKinds)[number];

export interface AuditActor {
  /** Entra object id; 'experts' / 'defender' / 'system' for the service's own steps. */
  userId: string;
  name: string;
  via: 'teams' | 'expertsApi' | 'system';
}

export interface AuditEntry {
  id: string;
  at: string;
  kind: AuditKind;
  actor: AuditActor;
  tenantId: string;
  incidentId?: string;
  actionId?: string;
  /** The card verb or API operation that caused it. */
  operation?: string;
  machineActionId?: string;
  /** An undo (Release from isolation, Remove app restriction): the action it reverses. */
  reverses?: string;
  /** e.g. accepted, started, completed, failed, skipped, refused, published, done. */
  result: string;
  /** Stable code of a refusal or failure (domain error codes and ours). */
  code?: string;
  detail?: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

export interface AuditFilter {
  tenantId?: string;
  incidentId?: string;
  /** ISO instant: at or after. */
  since?: string;
  limit?: number;
}

export class AuditTrail {
  #seq = 0;

  constructor(
    private readonly store: Store,
    private readonly now: Clock,
  ) {}

  /** The create op for an entry, for the caller's own batch (beside the change it records). */
  entryOp(entry: NewAuditEntry): WriteOp {
    const at = entry.at ?? this.now().toISOString();
    this.#seq = (this.#seq + 1) % 1_000_000;
    const id = `${at}~${String(this.#seq).padStart(6, '0')}~${randomBytes(3).toString('hex')}~${tenantKeyField(entry.tenantId)}`;
    const value: AuditEntry = { ...entry, id, at };
    return { kind: 'put', collection: AUDIT_COLLECTION, key: id, value, expectedVersion: 0 };
  }

  async append(entry: NewAuditEntry): Promise<void> {
    await this.store.batch([this.entryOp(entry)]);
  }

  /** Entries in time order, oldest first; `limit` keeps the newest. */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const tenant = filter.tenantId?.toLowerCase();
    // Entries hold toISOString() times; compare like with like (a "...Z" without ms sorts after).
    const since = filter.since === undefined ? undefined : new Date(filter.since).toISOString();
    const records = await this.store.list<AuditEntry>(AUDIT_COLLECTION);
    const entries = records
      .map((r) => r.value)
      .filter(
        (e) =>
          (!tenant || e.tenantId.toLowerCase() === tenant) &&
          (!filter.incidentId || e.incidentId === filter.incidentId) &&
          (!since || e.at >= since),
      );
    return filter.limit === undefined ? entries : entries.slice(-filter.limit);
  }
}
