// The flat Store port (collection + key) that the features use, on a partitioned engine. Without
// a router every record is in one partition (`main`), so every batch stays atomic exactly as it
// was on the one-file store. With a router (STORE_PARTITIONS=tenant) each record goes to its
// customer tenant's partition (or the service partition), as the collection's key rule says, and
// a batch that spans two partitions is a TypeError: it could not be atomic on Azure Tables.
// Either way a write costs what it changes (the journaled lowdb engine appends a journal line;
// Azure Tables writes the entities of the batch). Retention lives here, defined once: puts to a
// collection with a retention get an expiry counted from that write, so a record that is still
// used (re-written) stays, and one nobody touches any more is dropped by the engine.
import { FLAT_PARTITION, type PartitionRouter } from './partition-router.ts';
import { PartitionIndex } from './partition-index.ts';
import type {
  ListOptions,
  PartitionStore,
  PartitionWriteOp,
  Store as PartitionedStore,
} from './partitioned-store.ts';
import type { Store, VersionedRecord, WriteOp } from './store.ts';

export { FLAT_PARTITION } from './partition-router.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface FlatStoreOptions {
  /** Whole days a record of the collection is kept after its last write; absent: kept. */
  retentionDays?: Readonly<Record<string, number>>;
  /** Epoch ms (default Date.now): expiries are counted from it. */
  now?: () => number;
  /** A partition per customer tenant (STORE_PARTITIONS=tenant); absent: everything in `main`. */
  router?: PartitionRouter;
}

export class FlatStore implements Store {
  readonly #router: PartitionRouter | undefined;
  readonly #index: PartitionIndex | undefined;
  readonly #retention: Readonly<Record<string, number>>;
  readonly #now: () => number;

  constructor(
    readonly engine: PartitionedStore,
    options: FlatStoreOptions = {},
  ) {
    this.#router = options.router;
    this.#index = options.router && new PartitionIndex(engine);
    this.#retention = options.retentionDays ?? {};
    this.#now = options.now ?? Date.now;
  }

  /** Whether records go to their tenants' partitions. */
  get routed(): boolean {
    return this.#router !== undefined;
  }

  // The engines hand out frozen values shared between readers; callers of the flat port may
  // change what they read (the one-file store gave them copies), so each read is a copy.
  async get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined> {
    const record = await this.#partitionOf(collection, key).get<T>(collection, key);
    return record && copy(record);
  }

  async list<T>(collection: string, options?: { prefix?: string }): Promise<VersionedRecord<T>[]> {
    const records = await this.listShared<T>(collection, options);
    return records.map(copy);
  }

  async listShared<T>(
    collection: string,
    options?: { prefix?: string },
  ): Promise<VersionedRecord<Readonly<T>>[]> {
    const partitions = await this.#partitionsOfList(collection, options?.prefix ?? '');
    if (partitions.length === 1) return partitions[0]!.list<T>(collection, listOptions(options));
    // A list that no tenant narrows (a sweep over every tenant): each partition the store has
    // written to, merged in key order as one partition would return them.
    const parts = await Promise.all(
      partitions.map((p) => p.list<T>(collection, listOptions(options))),
    );
    return parts.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
  ): Promise<VersionedRecord<T>> {
    const expiresAt = this.#expiry(collection);
    const partition = await this.#writable(this.#partitionOf(collection, key));
    const record = await partition.put(
      collection,
      key,
      value,
      expectedVersion,
      expiresAt ? { expiresAt } : undefined,
    );
    return copy(record);
  }

  delete(collection: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.#partitionOf(collection, key).delete(collection, key, expectedVersion);
  }

  async batch(ops: WriteOp[]): Promise<void> {
    const id = this.#router ? this.#router.partitionOfBatch(ops) : FLAT_PARTITION;
    const partition = await this.#writable(this.engine.partition(id));
    await partition.batch(ops.map((op) => this.#withExpiry(op)));
  }

  ping(): Promise<void> {
    return this.engine.ping();
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  #partitionOf(collection: string, key: string): PartitionStore {
    const id = this.#router ? this.#router.partitionOf(collection, key) : FLAT_PARTITION;
    return this.engine.partition(id);
  }

  async #partitionsOfList(collection: string, prefix: string): Promise<PartitionStore[]> {
    if (!this.#router || !this.#index) return [this.engine.partition(FLAT_PARTITION)];
    const one = this.#router.partitionOfPrefix(collection, prefix);
    if (one !== undefined) return [this.engine.partition(one)];
    return (await this.#index.list()).map((id) => this.engine.partition(id));
  }

  // A partition is recorded in the index before its first record is written, so a sweep over
  // every partition never misses one (an index entry without records is harmless).
  async #writable(partition: PartitionStore): Promise<PartitionStore> {
    if (this.#index) await this.#index.add(partition.partition);
    return partition;
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

function listOptions(options: { prefix?: string } | undefined): ListOptions | undefined {
  return options?.prefix ? { prefix: options.prefix } : undefined;
}

function copy<T>(record: VersionedRecord<T>): VersionedRecord<T> {
  return { key: record.key, version: record.version, value: structuredClone(record.value) };
}
