// The records of one collection of one partition, in memory: a Map for get and a sorted key array
// for list, so that listing a page costs a binary search plus the page, not a sort of everything.
import { isLive, toVersioned, type PartitionRecord } from './partition-record.ts';
import type { ListOptions, VersionedRecord } from './partitioned-store.ts';

export class RecordTable {
  readonly #records = new Map<string, PartitionRecord>();
  #sorted: string[] = [];
  /** False after bulk loading: sorted once on the next list. */
  #inOrder = true;

  get size(): number {
    return this.#records.size;
  }

  /** Every key with its record, expired or not, in no particular order. */
  entries(): IterableIterator<[string, PartitionRecord]> {
    return this.#records.entries();
  }

  /** The record, expired or not: compare-and-set and checkpoints decide what expiry means. */
  peek(key: string): PartitionRecord | undefined {
    return this.#records.get(key);
  }

  get<T>(key: string, now: number): VersionedRecord<T> | undefined {
    const record = this.#records.get(key);
    return record && isLive(record, now) ? toVersioned<T>(key, record) : undefined;
  }

  set(key: string, record: PartitionRecord, { bulk = false } = {}): void {
    const isNew = !this.#records.has(key);
    this.#records.set(key, record);
    if (!isNew) return;
    if (bulk || !this.#inOrder) {
      this.#sorted.push(key);
      this.#inOrder = false;
    } else {
      this.#sorted.splice(lowerBound(this.#sorted, key), 0, key);
    }
  }

  delete(key: string): boolean {
    if (!this.#records.delete(key)) return false;
    const sorted = this.#orderedKeys();
    sorted.splice(lowerBound(sorted, key), 1);
    return true;
  }

  /** Removes many keys with one pass over the key order (expired records at a checkpoint). */
  deleteMany(keys: ReadonlySet<string>): void {
    if (keys.size === 0) return;
    for (const key of keys) this.#records.delete(key);
    this.#sorted = this.#sorted.filter((key) => !keys.has(key));
  }

  list<T>(options: ListOptions | undefined, now: number): VersionedRecord<T>[] {
    const sorted = this.#orderedKeys();
    const prefix = options?.prefix ?? '';
    const limit = options?.limit ?? Number.POSITIVE_INFINITY;
    let index = lowerBound(sorted, prefix);
    if (options?.after !== undefined) index = Math.max(index, upperBound(sorted, options.after));
    const page: VersionedRecord<T>[] = [];
    for (; index < sorted.length && page.length < limit; index++) {
      const key = sorted[index]!;
      if (!key.startsWith(prefix)) break;
      const record = this.#records.get(key)!;
      if (isLive(record, now)) page.push(toVersioned<T>(key, record));
    }
    return page;
  }

  #orderedKeys(): string[] {
    if (!this.#inOrder) {
      this.#sorted.sort(compareKeys);
      this.#inOrder = true;
    }
    return this.#sorted;
  }
}

/** UTF-16 code unit order, the order the port promises. */
export const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upperBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}
