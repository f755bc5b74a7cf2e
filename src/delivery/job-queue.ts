// The engine's in-memory view of undelivered jobs: one list per ordering key, in enqueue order.
// Only the head of a list may run, so a job waits for the one before it; a parked head (its
// target is unreachable) holds its whole list until markReachable.
import type { JobRecord } from './delivery-schemas.ts';

export interface QueueEntry {
  record: JobRecord;
  /** Store version of the job record (compare-and-set on every write). */
  version: number;
  notBeforeMs: number;
  targetKey: string;
  running: boolean;
}

export class JobQueue {
  readonly #byKey = new Map<string, QueueEntry[]>();
  readonly #byId = new Map<string, QueueEntry>();

  get size(): number {
    return this.#byId.size;
  }

  has(jobId: string): boolean {
    return this.#byId.has(jobId);
  }

  add(entry: QueueEntry): void {
    const { job, seq } = entry.record;
    if (this.#byId.has(job.id)) return;
    this.#byId.set(job.id, entry);
    const list = this.#byKey.get(job.orderingKey) ?? [];
    // Usually an append; a restart or an intake can bring an older seq.
    let at = list.length;
    while (at > 0 && (list[at - 1]?.record.seq ?? 0) > seq) at -= 1;
    list.splice(at, 0, entry);
    this.#byKey.set(job.orderingKey, list);
  }

  remove(jobId: string): void {
    const entry = this.#byId.get(jobId);
    if (!entry) return;
    this.#byId.delete(jobId);
    const key = entry.record.job.orderingKey;
    const list = (this.#byKey.get(key) ?? []).filter((e) => e !== entry);
    if (list.length > 0) this.#byKey.set(key, list);
    else this.#byKey.delete(key);
  }

  entries(): QueueEntry[] {
    return [...this.#byId.values()];
  }

  /** Heads that may start now, oldest first. */
  due(nowMs: number): QueueEntry[] {
    return this.#heads()
      .filter((e) => !e.running && e.record.status !== 'parked' && e.notBeforeMs <= nowMs)
      .sort((a, b) => a.record.seq - b.record.seq);
  }

  /** When the next waiting head becomes due (undefined: none is waiting for time). */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const e of this.#heads()) {
      if (e.running || e.record.status === 'parked') continue;
      next = next === undefined ? e.notBeforeMs : Math.min(next, e.notBeforeMs);
    }
    return next;
  }

  /**
   * Nothing can move without outside help or the passing of a scheduled time: every list is
   * empty or held by a parked head, or by one scheduled for later (job.notBefore, never tried).
   */
  settled(nowMs: number): boolean {
    return this.#heads().every(
      (e) =>
        !e.running &&
        (e.record.status === 'parked' ||
          (e.record.attempts === 0 &&
            e.record.job.notBefore !== undefined &&
            Date.parse(e.record.job.notBefore) > nowMs)),
    );
  }

  #heads(): QueueEntry[] {
    const heads: QueueEntry[] = [];
    for (const list of this.#byKey.values()) {
      const head = list[0];
      if (head) heads.push(head);
    }
    return heads;
  }
}
