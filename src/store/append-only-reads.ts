// Reads of append-only collections: the day logs on disk merged with the records committed since
// the last checkpoint (taken first: a checkpoint moving a record from the buffer to its log while
// we read the log cannot hide it). A key seen twice keeps its first record.
import { readdir } from 'node:fs/promises';
import { AppendOnlyRules } from './append-only-rules.ts';
import { dayFile, listDays, readDay, type DayRecord } from './day-log.ts';
import { decodeName } from './name-encoding.ts';
import type { DumpedRecord, ListOptions, VersionedRecord } from './partitioned-store.ts';
import { compareKeys } from './record-table.ts';
import type { StoreState } from './store-state.ts';

export class AppendOnlyReads {
  constructor(
    private readonly state: StoreState,
    private readonly rules: AppendOnlyRules,
  ) {}

  async get<T>(
    partition: string,
    collection: string,
    key: string,
    now: number,
  ): Promise<VersionedRecord<T> | undefined> {
    const day = AppendOnlyRules.dayOf(key);
    if (!day || day < this.rules.firstKeptDay(collection, now)) return undefined;
    const found = (await this.#day(partition, collection, day)).find((r) => r.key === key);
    return found && { key, version: 1, value: found.value as T };
  }

  async list<T>(
    partition: string,
    collection: string,
    options: ListOptions | undefined,
    now: number,
  ): Promise<VersionedRecord<T>[]> {
    const prefix = options?.prefix ?? '';
    const after = options?.after;
    const limit = options?.limit ?? Number.POSITIVE_INFINITY;
    const days = (await this.#days(partition, collection, now)).filter(
      (day) =>
        (prefix.length <= day.length ? day.startsWith(prefix) : prefix.startsWith(day)) &&
        (after === undefined || day >= after.slice(0, day.length)),
    );
    const page: VersionedRecord<T>[] = [];
    for (const day of days) {
      for (const { key, value } of await this.#day(partition, collection, day)) {
        if (page.length >= limit) return page;
        if (key.startsWith(prefix) && (after === undefined || key > after)) {
          page.push({ key, version: 1, value: value as T });
        }
      }
    }
    return page;
  }

  /** Every kept record of every append-only collection. */
  async *dump(now: number): AsyncIterable<DumpedRecord> {
    const partitions = new Set(this.state.buffer.days().map((d) => d.partition));
    for (const entry of await readdir(this.state.folder, { withFileTypes: true })) {
      const partition = entry.isDirectory() ? decodeName(entry.name) : undefined;
      if (partition !== undefined) partitions.add(partition);
    }
    for (const partition of partitions) {
      for (const collection of this.rules.names) {
        for (const day of await this.#days(partition, collection, now)) {
          for (const { key, value } of await this.#day(partition, collection, day)) {
            yield { partition, collection, key, version: 1, value };
          }
        }
      }
    }
  }

  async #days(partition: string, collection: string, now: number): Promise<string[]> {
    const firstKept = this.rules.firstKeptDay(collection, now);
    const buffered = this.state.buffer.days(partition, collection).map((d) => d.day);
    const onDisk = await listDays(this.state.collectionFolder(partition, collection));
    return [...new Set([...onDisk, ...buffered])].filter((day) => day >= firstKept).sort();
  }

  /** One day's records, ordered by key. */
  async #day(partition: string, collection: string, day: string): Promise<DayRecord[]> {
    const buffered = this.state.buffer.entries(partition, collection, day);
    const path = dayFile(this.state.collectionFolder(partition, collection), day);
    const { records } = await readDay(path);
    const byKey = new Map<string, DayRecord>();
    for (const record of [...records, ...buffered]) {
      if (!byKey.has(record.key)) byKey.set(record.key, record);
    }
    return [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
  }
}
