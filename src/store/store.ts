// The Store port: versioned records in named collections, with compare-and-set.
// Implementations: lowdb (embedded default, one process), Azure Tables (later, many instances).

export interface VersionedRecord<T> {
  key: string;
  /** Monotonic per record; starts at 1. Acts as the ETag. */
  version: number;
  value: T;
}

/**
 * expectedVersion on writes:
 * - undefined: unconditional (upsert);
 * - 0: the record must not exist yet (create);
 * - n > 0: the record must currently be at version n (compare-and-set).
 */
export type WriteOp =
  | { kind: 'put'; collection: string; key: string; value: unknown; expectedVersion?: number }
  | { kind: 'delete'; collection: string; key: string; expectedVersion?: number };

export interface Store {
  get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined>;
  /** All records of a collection, ordered by key. */
  list<T>(collection: string, options?: { prefix?: string }): Promise<VersionedRecord<T>[]>;
  /**
   * The same records without copying them, for readers that only read: values are deeply
   * frozen and shared (changing one throws a TypeError). Engines without it: use list.
   */
  listShared?<T>(
    collection: string,
    options?: { prefix?: string },
  ): Promise<VersionedRecord<Readonly<T>>[]>;
  put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
  ): Promise<VersionedRecord<T>>;
  delete(collection: string, key: string, expectedVersion?: number): Promise<boolean>;
  /** Applies every op or none (all checks first); resolves once durable. */
  batch(ops: WriteOp[]): Promise<void>;
  /** Resolves when the store is reachable (readiness probe). */
  ping(): Promise<void>;
  /**
   * True when records live in their tenants' partitions (STORE_PARTITIONS=tenant): a batch must
   * then stay within one tenant's records (or records of no tenant). Absent: one partition.
   */
  readonly routed?: boolean;
  close(): Promise<void>;
}

export class StoreConflictError extends Error {
  readonly code = 'STORE_CONFLICT';
  constructor(
    readonly collection: string,
    readonly key: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `Conflict on ${collection}/${key}: expected version ${expectedVersion}, found ${actualVersion}`,
    );
    this.name = 'StoreConflictError';
  }
}

export class StoreCorruptError extends Error {
  readonly code = 'STORE_CORRUPT';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `The store file ${file} cannot be read (${reason}). It was left untouched: restore it from a backup or move it aside to start empty.`,
    );
    this.name = 'StoreCorruptError';
  }
}
