// How jobs get into the engine's queue: enqueue() writes them itself; enqueueOps() hands the
// caller ops for its own batch, which land in an inbox taken in on the next poll; a start loads
// what the store holds. Every route drops ids already known (queued or delivered), and gives
// each job its place in enqueue order. Every write stays within Azure Tables' batch limit: many
// jobs are written in steps of at most MAX_BATCH_OPS ops, each step complete in itself (a job
// created with its inbox entry deleted), so a crash between steps loses and doubles nothing.
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { chunks } from '../store/chunks.ts';
import { MAX_BATCH_OPS } from '../store/partitioned-store.ts';
import { StoreConflictError, type WriteOp } from '../store/store.ts';
import type { DeliveryJob } from './delivery-job.ts';
import { deliveryJobSchema, type JobRecord } from './delivery-schemas.ts';
import { groupByTenant, INBOX, type BadRecord, type DeliveryStore } from './delivery-store.ts';
import { deliveryTargetKey } from './delivery-job.ts';
import type { JobQueue, QueueEntry } from './job-queue.ts';
import type { UnreachableTargets } from './unreachable-targets.ts';

export class JobIntake {
  #lastSeq = 0;
  /** Seqs handed out by inboxOps, reused if the same id comes again before it is taken in. */
  readonly #inboxSeqs = new Map<string, number>();

  constructor(
    private readonly store: DeliveryStore,
    private readonly queue: JobQueue,
    private readonly unreachable: UnreachableTargets,
    private readonly logger: Logger,
    private readonly now: Clock,
    /** Whether this instance delivers the tenant's jobs (see DeliveryEngineOptions.owns). */
    private readonly owns: (tenantId: string) => boolean = () => true,
  ) {}

  /** Fills the queue from the store (jobs left by an earlier run, unreachable targets). */
  async load(): Promise<void> {
    const bad: BadRecord[] = [];
    await this.adopt(this.owns, bad);
    for (const { value } of await this.store.listUnreachable(bad)) {
      this.unreachable.remember(deliveryTargetKey(value.target), value);
    }
    reportBad(this.logger, bad);
    await this.unreachable.notifyPending();
  }

  /**
   * Queues the stored jobs of the tenants `matches` picks that are not queued yet: at start, or
   * when this instance takes a tenant over (its jobs left in flight by the last owner go again).
   */
  async adopt(matches: (tenantId: string) => boolean, bad: BadRecord[] = []): Promise<number> {
    let resumed = 0;
    let adopted = 0;
    for (const { value, version } of await this.store.listJobs(bad)) {
      this.#lastSeq = Math.max(this.#lastSeq, value.seq);
      if (value.status === 'failed' || !matches(value.job.target.tenantId)) continue;
      if (this.queue.has(value.job.id)) continue;
      if (value.status === 'inFlight') resumed += 1;
      this.queue.add(queueEntry(value, version));
      adopted += 1;
    }
    if (resumed > 0) {
      this.logger.warn(
        { resumed },
        'jobs were in flight when the process stopped; they will be sent again',
      );
    }
    return adopted;
  }

  inboxOps(jobs: readonly DeliveryJob[]): WriteOp[] {
    return this.store.inboxOps(
      jobs.map((job) => {
        const parsed = deliveryJobSchema.parse(job);
        const seq = this.#inboxSeqs.get(parsed.id) ?? this.#nextSeq();
        this.#inboxSeqs.set(parsed.id, seq);
        return { job: parsed, seq };
      }),
    );
  }

  /** Jobs of tenants owned elsewhere go through the inbox, where their owner takes them in. */
  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
    const parsed = jobs.map((job) => deliveryJobSchema.parse(job));
    const elsewhere = parsed.filter((job) => !this.owns(job.target.tenantId));
    for (const step of tenantChunks(elsewhere, (job) => job.id, MAX_BATCH_OPS)) {
      await this.store.batch(
        this.store.inboxOps(step.map((job) => ({ job, seq: this.#nextSeq() }))),
      );
    }
    const fresh = await this.#unknownJobs(parsed.filter((job) => !elsewhere.includes(job)));
    const records = fresh.map((job) => this.#newRecord(job, this.#nextSeq()));
    for (const step of tenantChunks(records, (r) => r.job.id, MAX_BATCH_OPS)) {
      await this.#create(step, []);
    }
  }

  /** Takes in the inbox entries of owned tenants; the others wait for their owner. */
  async takeInbox(): Promise<void> {
    const bad: BadRecord[] = [];
    const inbox = (await this.store.listInbox(bad)).filter((i) =>
      this.owns(i.entry.job.target.tenantId),
    );
    reportBad(this.logger, bad);
    if (inbox.length === 0) return;
    for (const { entry } of inbox) {
      this.#inboxSeqs.delete(entry.job.id);
      this.#lastSeq = Math.max(this.#lastSeq, entry.seq);
    }
    const fresh = new Set(await this.#unknownJobs(inbox.map((i) => i.entry.job)));
    // Two ops per entry (its job created, the entry deleted) in one step: an entry left by a
    // crash is taken in by the next call, and one already taken in is gone with its step.
    for (const step of tenantChunks(inbox, (i) => i.entry.job.id, MAX_BATCH_OPS / 2)) {
      await this.#create(
        step
          .filter((i) => fresh.has(i.entry.job))
          .map((i) => this.#newRecord(i.entry.job, i.entry.seq)),
        step.map((i): WriteOp => ({ kind: 'delete', collection: INBOX, key: i.key })),
      );
    }
  }

  /** Jobs whose id is neither queued nor known to the store (the first of each id). */
  async #unknownJobs(jobs: readonly DeliveryJob[]): Promise<DeliveryJob[]> {
    const seen = new Set<string>();
    const candidates = jobs.filter((job) => {
      if (seen.has(job.id) || this.queue.has(job.id)) return false;
      seen.add(job.id);
      return true;
    });
    const known = await Promise.all(candidates.map((job) => this.store.isKnown(job.id)));
    return candidates.filter((_, i) => !known[i]);
  }

  async #create(records: JobRecord[], extra: WriteOp[]): Promise<void> {
    if (records.length === 0 && extra.length === 0) return;
    try {
      await this.store.create(records, extra);
    } catch (err) {
      if (!(err instanceof StoreConflictError)) throw err;
      // One of them was created meanwhile (a concurrent enqueue): take the rest one by one.
      const created: JobRecord[] = [];
      for (const record of records) {
        try {
          await this.store.create([record]);
          created.push(record);
        } catch (inner) {
          if (!(inner instanceof StoreConflictError)) throw inner;
        }
      }
      if (extra.length > 0) await this.store.batch(extra);
      records = created;
    }
    for (const record of records) this.queue.add(queueEntry(record, 1));
    if (records.length > 0) this.logger.debug({ count: records.length }, 'jobs enqueued');
  }

  #newRecord(job: DeliveryJob, seq: number): JobRecord {
    return {
      job,
      seq,
      status: 'pending',
      attempts: 0,
      budgetStart: 0,
      ...(job.notBefore ? { notBefore: job.notBefore } : {}),
      updatedAt: this.now().toISOString(),
    };
  }

  /** Enqueue order: wall-clock microseconds, bumped so that it only ever increases. */
  #nextSeq(): number {
    this.#lastSeq = Math.max(this.#lastSeq + 1, this.now().getTime() * 1000);
    return this.#lastSeq;
  }
}

export function queueEntry(record: JobRecord, version: number): QueueEntry {
  return {
    record,
    version,
    notBeforeMs: record.notBefore ? Date.parse(record.notBefore) : 0,
    targetKey: deliveryTargetKey(record.job.target),
    running: false,
  };
}

export function reportBad(logger: Logger, bad: readonly BadRecord[]): void {
  for (const b of bad) logger.error(b, 'unreadable delivery record skipped; repair or remove it');
}

// A batch stays within one tenant's jobs (one partition with STORE_PARTITIONS=tenant).
function tenantChunks<T>(items: readonly T[], jobIdOf: (item: T) => string, size: number): T[][] {
  return groupByTenant(items, jobIdOf).flatMap((group) => chunks(group, size));
}
