// Which partitions hold records, kept in the service partition (collection `storePartitions`,
// one record per partition id), so that a read over every tenant (a sweep, delivery loading its
// jobs) finds each partition without scanning the table: Azure Tables cannot list its
// PartitionKeys, and the tenants directory does not know every tenant that has records (one that
// left it, one that installed the bot first). A partition is added before its first record is
// written; an entry is never removed, so an entry may name an empty partition.
import {
  SERVICE_PARTITION,
  StoreConflictError,
  type Store as PartitionedStore,
} from './partitioned-store.ts';

export const PARTITIONS_COLLECTION = 'storePartitions';

export class PartitionIndex {
  // What this process has already seen recorded: one create per partition and process.
  readonly #known = new Map<string, Promise<void>>();

  constructor(private readonly engine: PartitionedStore) {}

  add(partition: string): Promise<void> {
    if (partition === SERVICE_PARTITION) return Promise.resolve();
    let added = this.#known.get(partition);
    if (!added) {
      added = this.#create(partition);
      this.#known.set(partition, added);
      // A failed create is tried again by the next write.
      added.catch(() => this.#known.delete(partition));
    }
    return added;
  }

  /** The service partition and every partition recorded, in key order. */
  async list(): Promise<string[]> {
    const service = this.engine.partition(SERVICE_PARTITION);
    const records = await service.list<unknown>(PARTITIONS_COLLECTION);
    return [SERVICE_PARTITION, ...records.map((r) => r.key).filter((p) => p !== SERVICE_PARTITION)];
  }

  async #create(partition: string): Promise<void> {
    const service = this.engine.partition(SERVICE_PARTITION);
    try {
      await service.put(PARTITIONS_COLLECTION, partition, {}, 0);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }
}
