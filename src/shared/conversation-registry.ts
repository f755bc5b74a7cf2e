// Where the bot can reach people and channels: conversation references captured from Teams
// (install, every message) and removed on uninstall. The reference itself is opaque here (bot/
// builds it, minimal and bounded). A record belongs to its tenant: an activity from another
// tenant carrying the same conversation id neither overwrites nor removes it. A record is
// written only when it changed (every message would otherwise rewrite it).
//
// Records are keyed by Teams' conversation id, which names no tenant, so a question about one
// tenant is answered from indexes in the tenant's partition, not by listing every record: the
// 1:1 chats by user (`personalChats`), the other conversations by kind (`tenantConversations`),
// and the record written last (`tenantLatestConversation`). An index entry is written before its
// record and removed after it, and every answer is checked on the record itself.
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
/** `<tenant>:<user>` → the 1:1 chat's conversation id. */
export const PERSONAL_INDEX = 'personalChats';
/** `<tenant>:<kind>:<conversation id>` for every record the personal index does not hold. */
export const TENANT_INDEX = 'tenantConversations';
/** `<tenant>` → the conversation id of the tenant's record written last. */
export const LATEST_INDEX = 'tenantLatestConversation';
/** Says that the records written before TENANT_INDEX and LATEST_INDEX have their entries. */
export const INDEX_STATE = 'conversationIndexes';
const INDEX_STATE_KEY = 'tenantIndexes';

const KINDS: readonly ConversationKind[] = ['channel', 'groupChat', 'personal'];

/**
 * The indexes are keyed by tenant, in the tenant's partition. Conversation records are keyed by
 * Teams' conversation id, which names no tenant: they stay in the service partition, and
 * record/remove write the two in separate steps.
 */
export const conversationPartitionRules: TenantKeyRule[] = [
  { collection: PERSONAL_INDEX, tenantOf: tenantField(0) },
  { collection: TENANT_INDEX, tenantOf: tenantField(0) },
  { collection: LATEST_INDEX, tenantOf: tenantField(0, { last: true }) },
];

export class ConversationRegistry {
  #complete: Promise<void> | undefined;

  constructor(private readonly store: Store) {}

  /** 'refused': the conversation id is another tenant's. */
  async record(record: ConversationRecord): Promise<'written' | 'unchanged' | 'refused'> {
    const existing = await this.store.get<ConversationRecord>(CONVERSATIONS, record.conversationId);
    if (existing && !sameTenant(existing.value.tenantId, record.tenantId)) return 'refused';
    if (existing && sameContent(existing.value, record)) return 'unchanged';
    // Steps each safe to repeat: the indexes (the tenant's partition) before the record (the
    // service partition, keyed by Teams' global conversation id). A crash between them leaves
    // index entries ahead of their record, which the next activity of the chat writes again (the
    // record differs, so it is not 'unchanged'); an index never misses a record.
    const entry = indexEntryOf(record);
    await this.store.put(entry.collection, entry.key, record.conversationId);
    await this.store.put(LATEST_INDEX, tenantKey(record.tenantId), record.conversationId);
    await this.store.put(CONVERSATIONS, record.conversationId, record);
    return 'written';
  }

  /** Removes the tenant's record of the conversation; another tenant's stays. */
  async remove(conversationId: string, fromTenant: string): Promise<boolean> {
    const existing = await this.store.get<ConversationRecord>(CONVERSATIONS, conversationId);
    if (!existing || !sameTenant(existing.value.tenantId, fromTenant)) return false;
    // The record first, on the version read (a newer record of a reinstall stays), then its
    // index entries: a crash between them leaves entries whose record is gone, which the reads
    // answer as absent, and the next record of that chat overwrites.
    try {
      await this.store.delete(CONVERSATIONS, conversationId, existing.version);
      const entry = indexEntryOf(existing.value);
      for (const { collection, key } of [
        entry,
        { collection: LATEST_INDEX, key: tenantKey(existing.value.tenantId) },
      ]) {
        const index = await this.store.get<string>(collection, key);
        if (index?.value === conversationId)
          await this.store.delete(collection, key, index.version);
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

  /**
   * Whether the tenant has a record of a `kind` conversation (of any kind when absent): the
   * record written last, else the tenant's index entries of that kind, until one is confirmed.
   */
  async hasConversation(tenantId: string, kind?: ConversationKind): Promise<boolean> {
    await this.#indexesComplete();
    if (kind === undefined) {
      if (await this.#lastWritten(tenantId)) return true;
      for (const each of KINDS) if (await this.hasConversation(tenantId, each)) return true;
      return false;
    }
    if (kind === 'personal') {
      for (const userId of await this.personalChatUsers(tenantId)) {
        const record = await this.findPersonal(tenantId, userId);
        if (record && sameTenant(record.tenantId, tenantId)) return true;
      }
    }
    for (const id of await this.#indexed(tenantId, kind)) {
      const record = await this.get(id);
      if (record && sameTenant(record.tenantId, tenantId) && record.kind === kind) return true;
    }
    return false;
  }

  /**
   * The tenant's most recently written record that `accept` takes (proactive install: the
   * service URL of the tenant's last activity). Reads the record written last; only when that
   * one is gone or not accepted, the tenant's records through its indexes.
   */
  async latest(
    tenantId: string,
    accept: (record: ConversationRecord) => boolean = () => true,
  ): Promise<ConversationRecord | undefined> {
    await this.#indexesComplete();
    const last = await this.#lastWritten(tenantId);
    if (last && accept(last)) return last;
    const records: ConversationRecord[] = [];
    for (const userId of await this.personalChatUsers(tenantId)) {
      const record = await this.findPersonal(tenantId, userId);
      if (record) records.push(record);
    }
    for (const kind of KINDS) {
      for (const id of await this.#indexed(tenantId, kind)) {
        const record = await this.get(id);
        if (record) records.push(record);
      }
    }
    return records
      .filter((r) => sameTenant(r.tenantId, tenantId) && accept(r))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
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

  async #lastWritten(tenantId: string): Promise<ConversationRecord | undefined> {
    const id = await this.store.get<string>(LATEST_INDEX, tenantKey(tenantId));
    const record = id && (await this.get(id.value));
    return record && sameTenant(record.tenantId, tenantId) ? record : undefined;
  }

  /** The conversation ids the tenant's index lists for `kind` (not the 1:1 chats of a user). */
  async #indexed(tenantId: string, kind: ConversationKind): Promise<string[]> {
    const prefix = `${tenantKey(tenantId)}:${kind}:`;
    const entries = this.store.listShared
      ? await this.store.listShared<string>(TENANT_INDEX, { prefix })
      : await this.store.list<string>(TENANT_INDEX, { prefix });
    return entries.map((entry) => entry.value);
  }

  /**
   * A store written before the tenant indexes gets their entries once, from one read of every
   * record, then a marker; each process reads the marker once.
   */
  #indexesComplete(): Promise<void> {
    this.#complete ??= this.#completeIndexes().catch((error: unknown) => {
      this.#complete = undefined;
      throw error;
    });
    return this.#complete;
  }

  async #completeIndexes(): Promise<void> {
    if (await this.store.get(INDEX_STATE, INDEX_STATE_KEY)) return;
    const last = new Map<string, ConversationRecord>();
    for (const { value } of await this.store.list<ConversationRecord>(CONVERSATIONS)) {
      const entry = indexEntryOf(value);
      // The personal index is as old as the records; the tenant index is not.
      if (entry.collection === TENANT_INDEX) {
        await this.store.put(entry.collection, entry.key, value.conversationId);
      }
      const tenant = tenantKey(value.tenantId);
      const newest = last.get(tenant);
      if (!newest || newest.updatedAt < value.updatedAt) last.set(tenant, value);
    }
    for (const [tenant, record] of last) {
      // Created only: one written since by record() is newer.
      await this.store.put(LATEST_INDEX, tenant, record.conversationId, 0).catch((error) => {
        if (!(error instanceof StoreConflictError)) throw error;
      });
    }
    await this.store.put(INDEX_STATE, INDEX_STATE_KEY, { complete: true });
  }
}

function sameTenant(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameContent(a: ConversationRecord, b: ConversationRecord): boolean {
  return JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' });
}

function personalKey(tenantId: string, userId: string): string {
  return `${tenantKey(tenantId)}:${userId.toLowerCase()}`;
}

function tenantKey(tenantId: string): string {
  return tenantId.toLowerCase();
}

/** Where the record is indexed: a user's 1:1 chat by user, any other by kind. */
function indexEntryOf(record: ConversationRecord): { collection: string; key: string } {
  const { tenantId, kind, userId, conversationId } = record;
  return kind === 'personal' && userId
    ? { collection: PERSONAL_INDEX, key: personalKey(tenantId, userId) }
    : { collection: TENANT_INDEX, key: `${tenantKey(tenantId)}:${kind}:${conversationId}` };
}
