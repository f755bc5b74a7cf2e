// The chat relay's records in the Store. Collections:
//   chatThreads      one per incident with customer conversation (key tenant:incident)
//   chatBindings     the incident each customer conversation currently talks about (key
//                    tenant:conversation, the customer's tenant from the activity)
//   chatTranscript   every relayed message and expert comment, numbered per incident
//   chatSeen         Teams activity ids already handled (redelivery never relays twice; key
//                    tenant:activity, the tenant of the incident it was relayed about)
//   chatPending      relays on their way, for the delivery tracker
//   chatThreadRoots  experts-side thread root id → incident (filled lazily)
// Keys are URI-encoded: conversation ids carry ':' ';' '@' '=', and Azure Tables forbids '/'.
import type { z } from 'zod';
import type { Store, VersionedRecord, WriteOp } from '../../store/store.ts';
import {
  tenantField,
  tenantKeyField,
  tenantRules,
  type TenantKeyRule,
} from '../../store/tenant-key-rule.ts';
import {
  chatBindingSchema,
  chatThreadSchema,
  pendingRelaySchema,
  threadRootSchema,
  transcriptEntrySchema,
  type ChatBinding,
  type ChatThread,
  type PendingRelay,
  type ThreadRoot,
  type TranscriptEntry,
} from './chat-records.ts';

export const THREADS = 'chatThreads';
export const BINDINGS = 'chatBindings';
export const TRANSCRIPT = 'chatTranscript';
export const SEEN = 'chatSeen';
export const PENDING = 'chatPending';
export const ROOTS = 'chatThreadRoots';

/**
 * Records keyed by incident (`<tenant>:<incident>…`), by tenant and conversation or activity
 * (`<tenant>:…`: bindings and seen markers, written in the incident's batches), or by a chat job
 * id (`chat:<tenant>:…`). Bindings and seen markers written before their keys named the tenant
 * (the conversation or activity key alone) name none: they stay in the service partition, where
 * the reads below still look when the tenant's key has nothing.
 */
export const chatPartitionRules: TenantKeyRule[] = [
  ...tenantRules([THREADS, TRANSCRIPT], tenantField(0, { encoded: true })),
  ...tenantRules([BINDINGS, SEEN], tenantFirst),
  { collection: PENDING, tenantOf: tenantField(0, { encoded: true, kinds: ['chat'] }) },
];

export function incidentKey(tenantId: string, incidentId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}`;
}

function encode(id: string): string {
  return encodeURIComponent(id);
}

// The tenant first, so that the record lives in the partition of the incident's other records
// (STORE_PARTITIONS=tenant) and its batches stay in one partition. The ':' after it is the key's
// only raw one (the id is encoded), so a key of before, the encoded id alone, names no tenant
// (decoded, `a:<user>` or `message|19:…` would name a bogus one).
function tenantScoped(tenantId: string, id: string): string {
  return `${tenantKeyField(tenantId)}:${encode(id)}`;
}

function tenantFirst(keyOrPrefix: string, isPrefix: boolean): string | undefined {
  const field = tenantField(0)(keyOrPrefix, isPrefix);
  try {
    return field && decodeURIComponent(field);
  } catch {
    return undefined; // not a key this module wrote
  }
}

export interface ChatStoreProblem {
  collection: string;
  key: string;
  reason: string;
}

export class ChatStore {
  constructor(
    private readonly store: Store,
    private readonly onBadRecord: (problem: ChatStoreProblem) => void = () => undefined,
  ) {}

  async getThread(
    tenantId: string,
    incidentId: string,
  ): Promise<{ value: ChatThread; version: number } | undefined> {
    const key = encode(incidentKey(tenantId, incidentId));
    return this.#read(THREADS, key, chatThreadSchema);
  }

  async listThreads(): Promise<ChatThread[]> {
    return (await this.#list(THREADS, chatThreadSchema)).map((r) => r.value);
  }

  threadOp(thread: ChatThread, expectedVersion: number): WriteOp {
    return {
      kind: 'put',
      collection: THREADS,
      key: encode(incidentKey(thread.tenantId, thread.incidentId)),
      value: thread,
      expectedVersion,
    };
  }

  /**
   * The conversation's binding, looked up under the tenant the activity came from (a customer
   * binds only their own tenant's incidents, so the binding's tenant is theirs). A binding
   * written before keys named the tenant is read under its old key; the next relay or bind of
   * that conversation writes it under the new one, which is read first from then on.
   */
  async getBinding(tenantId: string, conversationId: string): Promise<ChatBinding | undefined> {
    const current = await this.#read(
      BINDINGS,
      tenantScoped(tenantId, conversationId),
      chatBindingSchema,
    );
    if (current) return current.value;
    return (await this.#read(BINDINGS, encode(conversationId), chatBindingSchema))?.value;
  }

  /** Keyed by the binding's tenant (the customer's, who is the sender). */
  bindingOp(conversationId: string, binding: ChatBinding): WriteOp {
    const key = tenantScoped(binding.tenantId, conversationId);
    return { kind: 'put', collection: BINDINGS, key, value: binding };
  }

  /**
   * Whether the activity was handled, as a relay about an incident of this tenant. Markers
   * written before keys named the tenant are read under their old key (they expire with the
   * collection's retention, after which that second read never finds anything).
   */
  async seen(tenantId: string, activityKey: string): Promise<boolean> {
    if (await this.store.get(SEEN, tenantScoped(tenantId, activityKey))) return true;
    return (await this.store.get(SEEN, encode(activityKey))) !== undefined;
  }

  /** Create-only: a concurrent duplicate of the same activity fails the whole batch. */
  seenOp(tenantId: string, activityKey: string, at: string): WriteOp {
    return {
      kind: 'put',
      collection: SEEN,
      key: tenantScoped(tenantId, activityKey),
      value: { at },
      expectedVersion: 0,
    };
  }

  deleteSeenOp(tenantId: string, activityKey: string): WriteOp {
    return { kind: 'delete', collection: SEEN, key: tenantScoped(tenantId, activityKey) };
  }

  transcriptOp(tenantId: string, incidentId: string, entry: TranscriptEntry): WriteOp {
    // Zero-padded so that the store's key order is the conversation's order.
    const key = `${encode(incidentKey(tenantId, incidentId))}:${String(entry.seq).padStart(8, '0')}`;
    return { kind: 'put', collection: TRANSCRIPT, key, value: entry, expectedVersion: 0 };
  }

  async transcript(tenantId: string, incidentId: string): Promise<TranscriptEntry[]> {
    const prefix = `${encode(incidentKey(tenantId, incidentId))}:`;
    return (await this.#list(TRANSCRIPT, transcriptEntrySchema, prefix)).map((r) => r.value);
  }

  async listPending(): Promise<VersionedRecord<PendingRelay>[]> {
    return this.#list(PENDING, pendingRelaySchema);
  }

  pendingOp(pending: PendingRelay, expectedVersion?: number): WriteOp {
    return {
      kind: 'put',
      collection: PENDING,
      key: encode(pending.jobId),
      value: pending,
      expectedVersion,
    };
  }

  deletePendingOp(jobId: string, expectedVersion?: number): WriteOp {
    return { kind: 'delete', collection: PENDING, key: encode(jobId), expectedVersion };
  }

  async getRoot(channelId: string, rootId: string): Promise<ThreadRoot | undefined> {
    return (await this.#read(ROOTS, encode(`${channelId};${rootId}`), threadRootSchema))?.value;
  }

  async putRoot(channelId: string, rootId: string, root: ThreadRoot): Promise<void> {
    await this.store.put(ROOTS, encode(`${channelId};${rootId}`), root);
  }

  batch(ops: WriteOp[]): Promise<void> {
    return this.store.batch(ops);
  }

  async #read<S extends z.ZodType>(
    collection: string,
    key: string,
    schema: S,
  ): Promise<{ value: z.infer<S>; version: number } | undefined> {
    const record = await this.store.get<unknown>(collection, key);
    if (!record) return undefined;
    const parsed = schema.safeParse(record.value);
    if (parsed.success) return { value: parsed.data, version: record.version };
    this.onBadRecord({ collection, key, reason: parsed.error.message });
    return undefined;
  }

  async #list<S extends z.ZodType>(
    collection: string,
    schema: S,
    prefix?: string,
  ): Promise<VersionedRecord<z.infer<S>>[]> {
    const records = await this.store.list<unknown>(collection, prefix ? { prefix } : undefined);
    return records.flatMap((r) => {
      const parsed = schema.safeParse(r.value);
      if (parsed.success) return [{ key: r.key, version: r.version, value: parsed.data }];
      this.onBadRecord({ collection, key: r.key, reason: parsed.error.message });
      return [];
    });
  }
}
