// Where the bot can reach people and channels: conversation references captured from Teams
// (install, every message) and removed on uninstall. The reference itself is opaque here (bot/
// builds it, minimal and bounded). A record belongs to its tenant: an activity from another
// tenant carrying the same conversation id neither overwrites nor removes it. A record is
// written only when it changed (every message would otherwise rewrite it).
import { StoreConflictError, type Store } from '../store/store.ts';
import { tenantField, type TenantKeyRule } from '../store/tenant-key-rule.ts';

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export interface ConversationRecord {
  conversationId: string;
  kind: ConversationKind;
  tenantId: string;
  /** Entra object id of the user (personal chats), or of the last user seen. */
  userId?: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  /** Bot Framework ConversationReference as JSON (owned by bot/). */
  reference: Record<string, unknown>;
  updatedAt: string;
}

export const CONVERSATIONS = 'conversations';
export const PERSONAL_INDEX = 'personalChats';

/**
 * The personal-chat index is keyed `<tenant>:<user>`, in the tenant's partition. Conversation
 * records are keyed by Teams' conversation id, which names no tenant: they stay in the service
 * partition, and record/remove write the two in separate steps.
 */
export const conversationPartitionRules: TenantKeyRule[] = [
  { collection: PERSONAL_INDEX, tenantOf: tenantField(0) },
];

export class ConversationRegistry {
  constructor(private readonly store: Store) {}

  /** 'refused': the conversation id is another tenant's. */
  async record(record: ConversationRecord): Promise<'written' | 'unchanged' | 'refused'> {
    const existing = await this.store.get<ConversationRecord>(CONVERSATIONS, record.conversationId);
    if (existing && !sameTenant(existing.value.tenantId, record.tenantId)) return 'refused';
    if (existing && sameContent(existing.value, record)) return 'unchanged';
    // Two steps, each safe to repeat: the index (the tenant's partition) before the record (the
    // service partition, keyed by Teams' global conversation id). A crash between them leaves an
    // index entry ahead of its record, which the next activity of the chat writes again (the
    // record differs, so it is not 'unchanged'); the index never names a record not yet written.
    if (record.kind === 'personal' && record.userId) {
      await this.store.put(
        PERSONAL_INDEX,
        personalKey(record.tenantId, record.userId),
        record.conversationId,
      );
    }
    await this.store.put(CONVERSATIONS, record.conversationId, record);
    return 'written';
  }

  /** Removes the tenant's record of the conversation; another tenant's stays. */
  async remove(conversationId: string, fromTenant: string): Promise<boolean> {
    const existing = await this.store.get<ConversationRecord>(CONVERSATIONS, conversationId);
    if (!existing || !sameTenant(existing.value.tenantId, fromTenant)) return false;
    const { tenantId, userId, kind } = existing.value;
    // The record first, on the version read (a newer record of a reinstall stays), then its
    // index entry: a crash between them leaves an entry whose record is gone, which
    // findPersonal answers as absent, and the next record of that chat overwrites.
    try {
      await this.store.delete(CONVERSATIONS, conversationId, existing.version);
      if (kind === 'personal' && userId) {
        const key = personalKey(tenantId, userId);
        const index = await this.store.get<string>(PERSONAL_INDEX, key);
        if (index?.value === conversationId)
          await this.store.delete(PERSONAL_INDEX, key, index.version);
      }
    } catch (error) {
      if (error instanceof StoreConflictError) return false; // written again meanwhile: it stays
      throw error;
    }
    return true;
  }

  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    return (await this.store.get<ConversationRecord>(CONVERSATIONS, conversationId))?.value;
  }

  async findPersonal(tenantId: string, userId: string): Promise<ConversationRecord | undefined> {
    const id = await this.store.get<string>(PERSONAL_INDEX, personalKey(tenantId, userId));
    return id ? this.get(id.value) : undefined;
  }

  /**
   * The user ids of the tenant's 1:1 chats the bot knows, from the personal-chat index (a range
   * of the tenant's keys, not every conversation of every tenant); findPersonal reads one.
   */
  async personalChatUsers(tenantId: string): Promise<string[]> {
    const prefix = `${tenantId.toLowerCase()}:`;
    const entries = this.store.listShared
      ? await this.store.listShared<string>(PERSONAL_INDEX, { prefix })
      : await this.store.list<string>(PERSONAL_INDEX, { prefix });
    return entries.map((entry) => entry.key.slice(prefix.length));
  }

  /** Every record matching the filter: reads the whole collection (operator views, reports). */
  async list(
    filter: { tenantId?: string; kind?: ConversationKind } = {},
  ): Promise<ConversationRecord[]> {
    const all = await this.store.list<ConversationRecord>(CONVERSATIONS);
    return all
      .map((r) => r.value)
      .filter(
        (r) =>
          (!filter.tenantId || r.tenantId === filter.tenantId) &&
          (!filter.kind || r.kind === filter.kind),
      );
  }
}

function sameTenant(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameContent(a: ConversationRecord, b: ConversationRecord): boolean {
  return JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' });
}

function personalKey(tenantId: string, userId: string): string {
  return `${tenantId.toLowerCase()}:${userId.toLowerCase()}`;
}
