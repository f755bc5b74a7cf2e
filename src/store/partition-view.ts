// The PartitionStore an in-process engine hands out: the port's five calls for one partition,
// turned into the engine's three (get, list, and one mutate for put, delete and batch).
import type {
  ListOptions,
  PartitionStore,
  PartitionWriteOp,
  VersionedRecord,
} from './partitioned-store.ts';

export interface PartitionEngine {
  get<T>(
    partition: string,
    collection: string,
    key: string,
  ): Promise<VersionedRecord<T> | undefined>;
  list<T>(
    partition: string,
    collection: string,
    options?: ListOptions,
  ): Promise<VersionedRecord<T>[]>;
  /** One result per op: the new record of a put, whether a record was removed for a delete. */
  mutate(
    partition: string,
    ops: readonly PartitionWriteOp[],
  ): Promise<(VersionedRecord<unknown> | boolean)[]>;
}

export function partitionView(partition: string, engine: PartitionEngine): PartitionStore {
  return {
    partition,
    get: (collection, key) => engine.get(partition, collection, key),
    list: (collection, options) => engine.list(partition, collection, options),
    async put<T>(
      collection: string,
      key: string,
      value: T,
      expectedVersion?: number,
      options?: { expiresAt?: string },
    ) {
      const op: PartitionWriteOp = { kind: 'put', collection, key, value, expectedVersion };
      if (options?.expiresAt !== undefined) op.expiresAt = options.expiresAt;
      const [result] = await engine.mutate(partition, [op]);
      return result as VersionedRecord<T>;
    },
    async delete(collection, key, expectedVersion) {
      const op: PartitionWriteOp = { kind: 'delete', collection, key, expectedVersion };
      const [result] = await engine.mutate(partition, [op]);
      return result === true;
    },
    async batch(ops) {
      await engine.mutate(partition, ops);
    },
  };
}
