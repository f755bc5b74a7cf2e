// The flat Store port (collection + key) that the features use, on a partitioned engine: every
// record in one partition, so every batch stays atomic exactly as it was on the one-file store,
// while a write costs what it changes (the journaled lowdb engine appends a journal line; Azure
// Tables writes the entities of the batch). Retention lives here, defined once: puts to a
// collection with a retention get an expiry counted from that write, so a record that is still
// used (re-written) stays, and one nobody touches any more is dropped by the engine.
import type {
  PartitionStore,
  PartitionWriteOp,
  Store as PartitionedStore,
} from './partitioned-store.ts';
import type { Store, VersionedRecord, WriteOp } from './store.ts';

/** The partition the flat store keeps everything in. */
export const FLAT_PARTITION = 'main';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface FlatStoreOptions {
  /** Whole days a record of the collection is kept after its last write; absent: kept. */
  retentionDays?: Readonly<Record<string, number>>;
  /** Epoch ms (default Date.now): expiries are counted from it. */
  now?: () => number;
}

export class FlatStore implements Store {
  readonly #partition: PartitionStore;
  readonly #retention: Readonly<Record<string, number>>;
  readonly #now: () => number;

  constructor(
    readonly engine: PartitionedStore,
    options: FlatStoreOptions = {},
  ) {
    this.#partition = engine.partition(FLAT_PARTITION);
    this.#retention = options.retentionDays ?? {};
    this.#now = options.now ?? Date.now;
  }

  // The engines hand out frozen values shared between readers; callers of the flat port may
  // change what they read (the one-file store gave them copies), so each read is a copy.
  async get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined> {
    const record = await this.#partition.get<T>(collection, key);
    return record && copy(record);
  }

  async list<T>(collection: string, options?: { prefix?: string }): Promise<VersionedRecord<T>[]> {
    const records = await this.#partition.list<T>(collection, options);
    return records.map(copy);
  }

  listShared<T>(
    collection: string,
    options?: { prefix?: string },
  ): Promise<VersionedRecord<Readonly<T>>[]> {
    return this.#partition.list<T>(collection, options);
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
  ): Promise<VersionedRecord<T>> {
    const expiresAt = this.#expiry(collection);
    const record = await this.#partition.put(
      collection,
      key,
      value,
      expectedVersion,
      expiresAt ? { expiresAt } : undefined,
    );
    return copy(record);
  }

  delete(collection: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.#partition.delete(collection, key, expectedVersion);
  }

  batch(ops: WriteOp[]): Promise<void> {
    return this.#partition.batch(ops.map((op) => this.#withExpiry(op)));
  }

  ping(): Promise<void> {
    return this.engine.ping();
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  #withExpiry(op: WriteOp): PartitionWriteOp {
    if (op.kind !== 'put') return op;
    const expiresAt = this.#expiry(op.collection);
    return expiresAt ? { ...op, expiresAt } : op;
  }

  #expiry(collection: string): string | undefined {
    const days = this.#retention[collection];
    if (days === undefined) return undefined;
    return new Date(this.#now() + days * DAY_MS).toISOString();
  }
}

function copy<T>(record: VersionedRecord<T>): VersionedRecord<T> {
  return { key: record.key, version: record.version, value: structuredClone(record.value) };
}
