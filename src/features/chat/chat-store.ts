// The chat relay's records in the Store. Collections:
//   chatThreads      one per incident with customer conversation (key tenant:incident)
//   chatBindings     the incident each customer conversation currently talks about
//   chatTranscript   every relayed message and expert comment, numbered per incident
//   chatSeen         Teams activity ids already handled (redelivery never relays twice)
//   chatPending      relays on their way, for the delivery tracker
//   chatThreadRoots  experts-side thread root id → incident (filled lazily)
// Keys are URI-encoded: conversation ids carry ':' ';' '@' '=', and Azure Tables forbids '/'.
import type { z } from 'zod';
import type { Store, VersionedRecord, WriteOp } from '../../store/store.ts';
import { tenantField, tenantRules, type TenantKeyRule } from '../../store/tenant-key-rule.ts';
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

/** Records keyed by incident (`<tenant>:<incident>…`) or by a chat job id (`chat:<tenant>:…`). */
export const chatPartitionRules: TenantKeyRule[] = [
  ...tenantRules([THREADS, TRANSCRIPT], tenantField(0, { encoded: true })),
  { collection: PENDING, tenantOf: tenantField(0, { encoded: true, kinds: ['chat'] }) },
];

export function incidentKey(tenantId: string, incidentId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}`;
}

function encode(id: string): string {
  return encodeURIComponent(id);
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

  async getBinding(conversationId: string): Promise<ChatBinding | undefined> {
    return (await this.#read(BINDINGS, encode(conversationId), chatBindingSchema))?.value;
  }

  bindingOp(conversationId: string, binding: ChatBinding): WriteOp {
    return { kind: 'put', collection: BINDINGS, key: encode(conversationId), value: binding };
  }

  async seen(activityKey: string): Promise<boolean> {
    return (await this.store.get(SEEN, encode(activityKey))) !== undefined;
  }

  /** Create-only: a concurrent duplicate of the same activity fails the whole batch. */
  seenOp(activityKey: string, at: string): WriteOp {
    return {
      kind: 'put',
      collection: SEEN,
      key: encode(activityKey),
      value: { at },
      expectedVersion: 0,
    };
  }

  deleteSeenOp(activityKey: string): WriteOp {
    return { kind: 'delete', collection: SEEN, key: encode(activityKey) };
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
