// The engine's records in the Store. Collections:
//   deliveryInbox        jobs enqueued through a caller's own batch (enqueueOps), not yet taken in
//   deliveryJobs         jobs not yet delivered: pending, in flight, parked (target unreachable), failed
//   deliveries           one DeliveryRecord per delivered job id; its presence means "never again"
//   deliveryMessages     the latest DeliveryRecord per messageKey: where that card lives now
//   deliveryUnreachable  targets found unreachable (403), until markReachable
//   deliveryReachable    markReachable on an instance that does not own the target's tenant,
//                        until the owner takes it in (with the inbox)
//   deliveryThreadRoots  the message key of each card that starts a channel thread (a SOC
//                        incident card), by its conversation and activity id: what a reply in
//                        that thread names
// Keys are URI-encoded ids: every store accepts them (Azure Tables forbids / \ # ? in keys).
import type { z } from 'zod';
import type { Store, WriteOp } from '../store/store.ts';
import { tenantField, tenantRules, type TenantKeyRule } from '../store/tenant-key-rule.ts';
import {
  baseConversationId,
  type DeliveryJob,
  type DeliveryRecord,
  type DeliveryTarget,
} from './delivery-job.ts';
import {
  deliveryRecordSchema,
  inboxEntrySchema,
  jobRecordSchema,
  reachableNoticeSchema,
  unreachableSchema,
  type JobRecord,
  type UnreachableRecord,
} from './delivery-schemas.ts';

export const INBOX = 'deliveryInbox';
export const JOBS = 'deliveryJobs';
export const DELIVERIES = 'deliveries';
export const MESSAGES = 'deliveryMessages';
export const UNREACHABLE = 'deliveryUnreachable';
export const REACHABLE = 'deliveryReachable';
export const THREAD_ROOTS = 'deliveryThreadRoots';

/** The kinds of message key whose cards start threads people reply in (SOC incident cards). */
const THREAD_ROOT_KINDS = new Set(['soc']);

/**
 * `<kind>:<tenant>:~<conversation>~<activity>`: in the partition of the tenant the message key
 * names, looked up by the conversation and activity id a thread reply carries.
 */
export function threadRootKey(
  kind: string,
  tenantId: string,
  conversationId: string,
  activityId: string,
): string {
  return encodeKey(`${kind}:${tenantId.toLowerCase()}:~${conversationId}~${activityId}`);
}

/**
 * The words job ids, message keys and target keys start with before their tenant
 * (`mr:<tenant>:…`, `soc:<tenant>:…`, `conversation:<tenant>:…`); an id that starts with none of
 * them starts with its tenant (`<tenant>:<seq>:…`, a watcher event's id). A new kind of id that
 * starts with a word must be listed here, or its records land in a partition named after the
 * word (and a batch beside the tenant's records fails with a TypeError in the tests).
 */
export const DELIVERY_KEY_KINDS = [
  'chat',
  'chat-msg',
  'chat-thread',
  'claim',
  'contact',
  'contained',
  'conversation',
  'digest',
  'email',
  'escalation',
  'mr',
  'mr-actions',
  'mr-note',
  'mr-summary',
  'personal',
  'reach',
  'reminder',
  'soc',
  'unreachable',
  'weekly-report',
] as const;

const tenantOfKey = tenantField(0, { encoded: true, kinds: DELIVERY_KEY_KINDS });

/** Each delivery record in the partition of the tenant its (encoded) id names. */
export const deliveryPartitionRules: TenantKeyRule[] = tenantRules(
  [INBOX, JOBS, DELIVERIES, MESSAGES, UNREACHABLE, REACHABLE, THREAD_ROOTS],
  tenantOfKey,
);

/**
 * Items grouped by the tenant their job id names, in first-seen order: one batch per group, as
 * a batch must stay in one partition when the store keeps one per tenant (STORE_PARTITIONS).
 */
export function groupByTenant<T>(items: readonly T[], jobIdOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const tenant = tenantOfKey(encodeKey(jobIdOf(item)), false) ?? '';
    const group = groups.get(tenant) ?? [];
    group.push(item);
    groups.set(tenant, group);
  }
  return [...groups.values()];
}

export interface Versioned<T> {
  value: T;
  version: number;
}

/** A record that failed to parse: reported, skipped, kept for an operator. */
export interface BadRecord {
  collection: string;
  key: string;
  reason: string;
}

export class DeliveryStore {
  constructor(private readonly store: Store) {}

  inboxOps(entries: readonly { job: DeliveryJob; seq: number }[]): WriteOp[] {
    return entries.map(({ job, seq }) => ({
      kind: 'put',
      collection: INBOX,
      key: encodeKey(job.id),
      value: { job, seq },
    }));
  }

  /** Whether a job id was ever taken in (delivered, or still known as a job). */
  async isKnown(jobId: string): Promise<boolean> {
    const key = encodeKey(jobId);
    return (
      (await this.store.get(DELIVERIES, key)) !== undefined ||
      (await this.store.get(JOBS, key)) !== undefined
    );
  }

  /** Creates job records; resolves with their versions. A conflict means one already exists. */
  async create(records: readonly JobRecord[], extra: WriteOp[] = []): Promise<void> {
    await this.store.batch([
      ...records.map((record): WriteOp => ({
        kind: 'put',
        collection: JOBS,
        key: encodeKey(record.job.id),
        value: record,
        expectedVersion: 0,
      })),
      ...extra,
    ]);
  }

  async listInbox(
    bad: BadRecord[],
  ): Promise<{ key: string; entry: z.infer<typeof inboxEntrySchema> }[]> {
    const records = await this.store.list<unknown>(INBOX);
    return records.flatMap((r) => {
      const parsed = inboxEntrySchema.safeParse(r.value);
      if (parsed.success) return [{ key: r.key, entry: parsed.data }];
      bad.push({ collection: INBOX, key: r.key, reason: parsed.error.message });
      return [];
    });
  }

  deleteInbox(key: string): Promise<boolean> {
    return this.store.delete(INBOX, key);
  }

  async listJobs(bad: BadRecord[]): Promise<Versioned<JobRecord>[]> {
    const records = await this.store.list<unknown>(JOBS);
    return records.flatMap((r) => {
      const parsed = jobRecordSchema.safeParse(r.value);
      if (parsed.success) return [{ value: parsed.data, version: r.version }];
      bad.push({ collection: JOBS, key: r.key, reason: parsed.error.message });
      return [];
    });
  }

  /** One job record as stored now (undefined: delivered, or never created). */
  async getJob(jobId: string): Promise<Versioned<JobRecord> | undefined> {
    const record = await this.store.get<unknown>(JOBS, encodeKey(jobId));
    if (!record) return undefined;
    const parsed = jobRecordSchema.safeParse(record.value);
    return parsed.success ? { value: parsed.data, version: record.version } : undefined;
  }

  /**
   * Compare-and-set on the job's version; resolves with the new version. `extra` (a target
   * marked unreachable) is keyed by the target, whose tenant may not be the one the job id
   * names (a chat relay's job to the experts' channel): then it is written first, in its own
   * step, as with a partition per tenant it cannot share the job's batch. A crash or a conflict
   * after it leaves a target recorded unreachable that did answer 403, which is true, and the
   * job is saved again by its next attempt.
   */
  async saveJob(
    record: JobRecord,
    expectedVersion: number,
    extra: WriteOp[] = [],
  ): Promise<number> {
    const job: WriteOp = {
      kind: 'put',
      collection: JOBS,
      key: encodeKey(record.job.id),
      value: record,
      expectedVersion,
    };
    await this.#inSteps(extra, [job]);
    return expectedVersion + 1;
  }

  /** The one write after a successful call: job gone, delivery recorded, message located. */
  async complete(
    jobId: string,
    expectedVersion: number,
    delivery: DeliveryRecord,
    messageKey: string | undefined,
  ): Promise<void> {
    const ops: WriteOp[] = [
      { kind: 'delete', collection: JOBS, key: encodeKey(jobId), expectedVersion },
      { kind: 'put', collection: DELIVERIES, key: encodeKey(jobId), value: delivery },
    ];
    // A message key naming another tenant than the job id (not one the features build) goes
    // first, alone: a crash after it leaves the message located where it was really delivered,
    // and the job, still pending, sends again and locates it anew.
    const located: WriteOp[] = messageKey
      ? [
          { kind: 'put', collection: MESSAGES, key: encodeKey(messageKey), value: delivery },
          ...threadRootOps(messageKey, delivery),
        ]
      : [];
    await this.#inSteps(located, ops);
  }

  /** The message key of the card that started this thread (its root activity), if recorded. */
  async findThreadRoot(
    kind: string,
    tenantId: string,
    conversationId: string,
    activityId: string,
  ): Promise<string | undefined> {
    const key = threadRootKey(kind, tenantId, baseConversationId(conversationId), activityId);
    const record = await this.store.get<{ messageKey?: unknown }>(THREAD_ROOTS, key);
    const messageKey = record?.value.messageKey;
    return typeof messageKey === 'string' ? messageKey : undefined;
  }

  /** One batch when both name one tenant (always, for the ids the features build); else two. */
  async #inSteps(first: WriteOp[], then: WriteOp[]): Promise<void> {
    const tenants = new Set([...first, ...then].map((op) => tenantOfKey(op.key, false) ?? ''));
    if (tenants.size <= 1) {
      await this.store.batch([...then, ...first]);
      return;
    }
    if (first.length > 0) await this.store.batch(first);
    await this.store.batch(then);
  }

  async findMessage(messageKey: string): Promise<DeliveryRecord | undefined> {
    const record = await this.store.get<unknown>(MESSAGES, encodeKey(messageKey));
    if (!record) return undefined;
    return deliveryRecordSchema.parse(record.value);
  }

  async listDeliveries(): Promise<DeliveryRecord[]> {
    const records = await this.store.list<unknown>(DELIVERIES);
    return records.flatMap((r) => {
      const parsed = deliveryRecordSchema.safeParse(r.value);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async listUnreachable(bad: BadRecord[]): Promise<Versioned<UnreachableRecord>[]> {
    const records = await this.store.list<unknown>(UNREACHABLE);
    return records.flatMap((r) => {
      const parsed = unreachableSchema.safeParse(r.value);
      if (parsed.success) return [{ value: parsed.data, version: r.version }];
      bad.push({ collection: UNREACHABLE, key: r.key, reason: parsed.error.message });
      return [];
    });
  }

  unreachableOp(targetKey: string, record: UnreachableRecord, expectedVersion?: number): WriteOp {
    return {
      kind: 'put',
      collection: UNREACHABLE,
      key: encodeKey(targetKey),
      value: record,
      expectedVersion,
    };
  }

  async putUnreachable(targetKey: string, record: UnreachableRecord): Promise<void> {
    await this.store.batch([this.unreachableOp(targetKey, record)]);
  }

  clearUnreachableOp(targetKey: string): WriteOp {
    return { kind: 'delete', collection: UNREACHABLE, key: encodeKey(targetKey) };
  }

  async putReachable(targetKey: string, target: DeliveryTarget, at: string): Promise<void> {
    await this.store.batch([
      { kind: 'put', collection: REACHABLE, key: encodeKey(targetKey), value: { target, at } },
    ]);
  }

  async listReachable(bad: BadRecord[]): Promise<{ key: string; target: DeliveryTarget }[]> {
    const records = await this.store.list<unknown>(REACHABLE);
    return records.flatMap((r) => {
      const parsed = reachableNoticeSchema.safeParse(r.value);
      if (parsed.success) return [{ key: r.key, target: parsed.data.target }];
      bad.push({ collection: REACHABLE, key: r.key, reason: parsed.error.message });
      return [];
    });
  }

  deleteReachable(key: string): Promise<boolean> {
    return this.store.delete(REACHABLE, key);
  }

  jobOp(record: JobRecord, expectedVersion: number): WriteOp {
    return {
      kind: 'put',
      collection: JOBS,
      key: encodeKey(record.job.id),
      value: record,
      expectedVersion,
    };
  }

  batch(ops: WriteOp[]): Promise<void> {
    return this.store.batch(ops);
  }
}

export function encodeKey(id: string): string {
  return encodeURIComponent(id);
}

/** A thread-starting card's root entry (an edit keeps the activity id: the same entry again). */
function threadRootOps(messageKey: string, delivery: DeliveryRecord): WriteOp[] {
  const [kind, tenant] = messageKey.split(':');
  if (!kind || !tenant || !THREAD_ROOT_KINDS.has(kind) || !delivery.activityId) return [];
  const channel = baseConversationId(delivery.conversationId);
  const key = threadRootKey(kind, tenant, channel, delivery.activityId);
  // Beside the message record, in its partition (a key of another shape is not a SOC card's).
  if (tenantOfKey(key, false) !== tenantOfKey(encodeKey(messageKey), false)) return [];
  return [{ kind: 'put', collection: THREAD_ROOTS, key, value: { messageKey } }];
}
