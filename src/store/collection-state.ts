// One collection of one partition in the journaled store's memory: its records, which shard of
// the current layout each key belongs to, what changed since the last checkpoint, and which shard
// files exist on disk. Values are frozen once when written and shared by every read.
import type { PartitionRecord } from './partition-record.ts';
import { RecordTable } from './record-table.ts';
import { shardOf } from './shard-layout.ts';

/** Shards a checkpoint must write: some of them, or all (after the layout grew). */
export type DirtyShards = Set<number> | 'all';

export class CollectionState {
  readonly table = new RecordTable();
  /** Shard file names on disk, of any layout. */
  readonly files = new Set<string>();
  #bits = 0;
  #bytes = 0;
  #shards = new Map<number, Set<string>>();
  #dirty: DirtyShards = new Set();
  /** Earliest expiresAt per shard, so a checkpoint finds expired records without a scan. */
  readonly #earliestExpiry = new Map<number, number>();

  constructor(
    readonly partition: string,
    readonly collection: string,
    readonly folder: string,
  ) {}

  get bits(): number {
    return this.#bits;
  }

  /** Approximate JSON size of the records held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Sets a record; returns the change in bytes held. */
  set(key: string, record: PartitionRecord, { bulk = false, dirty = true } = {}): number {
    const previous = this.table.peek(key);
    this.table.set(key, record, { bulk });
    const shard = shardOf(key, this.#bits);
    if (!previous) this.#keysOf(shard).add(key);
    if (record.expiresAt !== undefined) {
      const earliest = this.#earliestExpiry.get(shard);
      if (earliest === undefined || record.expiresAt < earliest) {
        this.#earliestExpiry.set(shard, record.expiresAt);
      }
    }
    if (dirty) this.markDirty(shard);
    const delta = record.size - (previous?.size ?? 0);
    this.#bytes += delta;
    return delta;
  }

  /** Removes a record; returns the change in bytes held. `dirty: false`: the files lack it already. */
  delete(key: string, { dirty = true } = {}): number {
    const previous = this.table.peek(key);
    if (!previous) return 0;
    this.table.delete(key);
    const shard = shardOf(key, this.#bits);
    this.#shards.get(shard)?.delete(key);
    if (dirty) this.markDirty(shard);
    this.#bytes -= previous.size;
    return -previous.size;
  }

  keysOf(shard: number): ReadonlySet<string> {
    return this.#shards.get(shard) ?? new Set();
  }

  /** Shards of the current layout that hold records. */
  shards(): number[] {
    return [...this.#shards].filter(([, keys]) => keys.size > 0).map(([shard]) => shard);
  }

  /** The layout of the files a new, empty state is loaded from. */
  useLayout(bits: number): void {
    if (this.table.size > 0) throw new Error('useLayout is for an empty collection');
    this.#bits = bits;
  }

  /** Switches to a larger layout: every shard is rewritten at the next checkpoint. */
  regrow(bits: number): void {
    if (bits === this.#bits) return;
    this.#bits = bits;
    this.#shards = new Map();
    this.#earliestExpiry.clear();
    for (const [key, record] of this.table.entries()) {
      const shard = shardOf(key, bits);
      this.#keysOf(shard).add(key);
      if (record.expiresAt !== undefined) {
        this.#earliestExpiry.set(
          shard,
          Math.min(record.expiresAt, this.#earliestExpiry.get(shard) ?? Infinity),
        );
      }
    }
    this.#dirty = 'all';
  }

  markDirty(shard: number | 'all'): void {
    if (this.#dirty === 'all') return;
    if (shard === 'all') this.#dirty = 'all';
    else this.#dirty.add(shard);
  }

  /** Shards whose records hold an expiresAt that has passed: a checkpoint drops them. */
  markExpiredDirty(now: number): void {
    for (const [shard, earliest] of this.#earliestExpiry) {
      if (earliest <= now) this.markDirty(shard);
    }
  }

  /** The dirty shards, leaving none: what a checkpoint writes. */
  takeDirty(): DirtyShards {
    const dirty = this.#dirty;
    this.#dirty = new Set();
    return dirty;
  }

  get isDirty(): boolean {
    return this.#dirty === 'all' || this.#dirty.size > 0;
  }

  /** After a shard was written: the earliest expiry among the records it kept. */
  setEarliestExpiry(shard: number, earliest: number | undefined): void {
    if (earliest === undefined) this.#earliestExpiry.delete(shard);
    else this.#earliestExpiry.set(shard, earliest);
  }

  #keysOf(shard: number): Set<string> {
    let keys = this.#shards.get(shard);
    if (!keys) this.#shards.set(shard, (keys = new Set()));
    return keys;
  }
}
