// The chat relay's audit trail: every refusal (who, from which tenant and conversation, about
// which incident, why), every binding and every expert comment. Append-only; keys start with the
// ISO time so a list comes back in time order, and end with the tenant whose partition holds the
// entry: the incident's tenant when known (an entry is written beside that incident's chat
// records), otherwise the sender's.
import type { Clock } from '../../platform/clock.ts';
import { randomBytes } from 'node:crypto';
import type { Store, WriteOp } from '../../store/store.ts';
import { tenantField, tenantKeyField, type TenantKeyRule } from '../../store/tenant-key-rule.ts';

export const CHAT_AUDIT = 'chatAudit';

/** `<ISO time>~<seq>~<random>~<tenant>`: the fourth field, URI-encoded. */
export const chatAuditPartitionRule: TenantKeyRule = {
  collection: CHAT_AUDIT,
  tenantOf: tenantField(3, { separator: '~', encoded: true, last: true }),
};

export const chatAuditKinds = ['refused', 'bound', 'comment'] as const;
export type ChatAuditKind = (typeof chatAuditKinds)[number];

export interface ChatAuditEntry {
  id: string;
  at: string;
  kind: ChatAuditKind;
  /** Stable reason code of a refusal (see ChatRefusalCode), or the operation. */
  code: string;
  /** The sender's tenant as Teams reported it. */
  tenantId: string;
  userId?: string;
  userName?: string;
  conversationId: string;
  /** The incident the message was about (or claimed to be about). */
  incidentId?: string;
  /** The tenant that owns that incident, when known (cross-tenant attempts). */
  incidentTenantId?: string;
  detail?: string;
}

export type NewChatAuditEntry = Omit<ChatAuditEntry, 'id' | 'at'>;

export class ChatAudit {
  #seq = 0;

  constructor(
    private readonly store: Store,
    private readonly now: Clock,
  ) {}

  entryOp(entry: NewChatAuditEntry): WriteOp {
    const at = this.now().toISOString();
    this.#seq = (this.#seq + 1) % 1_000_000;
    const tenant = tenantKeyField(entry.incidentTenantId ?? entry.tenantId);
    const id = `${at}~${String(this.#seq).padStart(6, '0')}~${randomBytes(3).toString('hex')}~${tenant}`;
    const value: ChatAuditEntry = { ...withoutUndefined(entry), id, at };
    return { kind: 'put', collection: CHAT_AUDIT, key: id, value, expectedVersion: 0 };
  }

  async append(entry: NewChatAuditEntry): Promise<void> {
    await this.store.batch([this.entryOp(entry)]);
  }

  async list(
    filter: { kind?: ChatAuditKind; incidentId?: string } = {},
  ): Promise<ChatAuditEntry[]> {
    const records = await this.store.list<ChatAuditEntry>(CHAT_AUDIT);
    return records
      .map((r) => r.value)
      .filter(
        (e) =>
          (!filter.kind || e.kind === filter.kind) &&
          (!filter.incidentId || e.incidentId === filter.incidentId),
      );
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
