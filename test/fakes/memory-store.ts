// In-memory Store for unit tests of other modules. Same compare-and-set rules as LowdbStore
// (shared planWrites), checked by the same contract suite in test/store/.
import { partitionRouter } from '../../src/app/partition-rules.ts';
import { partitionsFrom, strictBatchesFrom } from '../../src/config.ts';
import { MAX_BATCH_OPS } from '../../src/store/partitioned-store.ts';
import { planWrites, toVersionedRecord, type StoredRecord } from '../../src/store/plan-writes.ts';
import type { Store, VersionedRecord, WriteOp } from '../../src/store/store.ts';
import { StoreClosedError } from '../../src/store/store-errors.ts';

export class MemoryStore implements Store {
  readonly #collections = new Map<string, Map<string, StoredRecord>>();
  // STORE_STRICT_BATCHES=1: refuse what Azure Tables refuses, as the embedded store then does.
  readonly #maxBatchOps = strictBatchesFrom(process.env) ? MAX_BATCH_OPS : Infinity;
  // Routed unless STORE_PARTITIONS=single: refuse a batch over two tenants' partitions, as the
  // routed store does.
  readonly #router = partitionsFrom(process.env) === 'tenant' ? partitionRouter() : undefined;
  #closed = false;

  get routed(): boolean {
    return this.#router !== undefined;
  }

  async get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined> {
    this.#assertOpen();
    const record = this.#collections.get(collection)?.get(key);
    return Promise.resolve(record && toVersionedRecord<T>(key, record));
  }

  async list<T>(collection: string, options?: { prefix?: string }): Promise<VersionedRecord<T>[]> {
    this.#assertOpen();
    const prefix = options?.prefix ?? '';
    const records = [...(this.#collections.get(collection) ?? [])]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, record]) => toVersionedRecord<T>(key, record));
    return Promise.resolve(records);
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
  ): Promise<VersionedRecord<T>> {
    const [result] = this.#apply([{ kind: 'put', collection, key, value, expectedVersion }]);
    return Promise.resolve(toVersionedRecord<T>(key, result as StoredRecord));
  }

  async delete(collection: string, key: string, expectedVersion?: number): Promise<boolean> {
    const [result] = this.#apply([{ kind: 'delete', collection, key, expectedVersion }]);
    return Promise.resolve(result === true);
  }

  async batch(ops: WriteOp[]): Promise<void> {
    if (ops.length > this.#maxBatchOps) {
      throw new TypeError(`A batch holds at most ${this.#maxBatchOps} ops, got ${ops.length}`);
    }
    this.#router?.partitionOfBatch(ops);
    this.#apply(ops);
    return Promise.resolve();
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #apply(ops: readonly WriteOp[]): (StoredRecord | boolean)[] {
    this.#assertOpen();
    const plan = planWrites(ops, (collection, key) => this.#collections.get(collection)?.get(key));
    for (const { collection, key, record } of plan.changes) {
      const records = this.#collections.get(collection) ?? new Map<string, StoredRecord>();
      if (record) records.set(key, record);
      else records.delete(key);
      if (records.size > 0) this.#collections.set(collection, records);
      else this.#collections.delete(collection);
    }
    return plan.results;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
