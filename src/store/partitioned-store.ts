// The Store port, partitioned: versioned records in named collections inside partitions, with
// compare-and-set. A partition is the unit of atomicity and of ownership: a customer tenant's
// records live in the partition named by its tenant id, so every batch a tenant's work writes is
// atomic on every engine (an Azure Tables entity-group transaction is limited to one partition),
// and a lowdb file or a Tables partition holds one tenant's data only.
//
// Engines: the embedded journaled lowdb store (one process) and Azure Tables (many instances).
// Both pass the same contract suite (test/store/partitioned-store-contract.ts).
import type { VersionedRecord } from './store.ts';

export type { VersionedRecord } from './store.ts';
export { StoreConflictError, StoreCorruptError } from './store.ts';

/** Partition for records that belong to no customer tenant (service-wide settings, indexes). */
export const SERVICE_PARTITION = '_service';

/**
 * One change inside a partition. expectedVersion:
 * - undefined: unconditional (upsert);
 * - 0: the record must not exist yet (create);
 * - n > 0: the record must currently be at version n (compare-and-set).
 */
export type PartitionWriteOp =
  | {
      kind: 'put';
      collection: string;
      key: string;
      value: unknown;
      expectedVersion?: number;
      /**
       * ISO instant after which the record is gone: reads never return it and the engine removes
       * it lazily (retention of delivered jobs, outbox ids, finished tasks). Absent: kept.
       */
      expiresAt?: string;
    }
  | { kind: 'delete'; collection: string; key: string; expectedVersion?: number };

export interface ListOptions {
  /** Only keys starting with this. */
  prefix?: string;
  /** Only keys strictly greater than this (a cursor: pass the last key of the previous page). */
  after?: string;
  /** At most this many records, the first in key order. */
  limit?: number;
}

/** The most ops one batch may hold (Azure Tables' entity-group transaction limit). */
export const MAX_BATCH_OPS = 100;

/** The records of one partition. Obtained from Store.partition(id). */
export interface PartitionStore {
  readonly partition: string;
  get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined>;
  /** Records of one collection in this partition, ordered by key (UTF-16 code unit order). */
  list<T>(collection: string, options?: ListOptions): Promise<VersionedRecord<T>[]>;
  put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
    options?: { expiresAt?: string },
  ): Promise<VersionedRecord<T>>;
  delete(collection: string, key: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Applies every op or none (all checks first); resolves once durable. At most MAX_BATCH_OPS
   * ops, each record at most once: larger work is split by the caller into idempotent steps.
   */
  batch(ops: readonly PartitionWriteOp[]): Promise<void>;
}

/**
 * Values read back are deeply frozen and may be shared between readers: copy before changing
 * (mutating one throws a TypeError). Values are stored as JSON: Dates become strings, undefined
 * fields vanish, and values JSON cannot hold (undefined, BigInt) are refused with a TypeError.
 */
export interface Store {
  partition(id: string): PartitionStore;
  /** Resolves when the store is reachable (readiness probe). */
  ping(): Promise<void>;
  /** Flushes pending writes; afterwards every call rejects with StoreClosedError. */
  close(): Promise<void>;
}

/**
 * Collections whose records are written once and never changed (audit trails), kept as daily
 * append-only logs. Their keys start with an ISO instant or date (`2026-12-02T10:00:00.000Z|id`):
 * its day decides the log a record goes to and when retention drops it. Writes are creates only
 * (expectedVersion 0 or none; the engine trusts the key to be new instead of reading the log);
 * any other put, a delete, or a key without a date is a TypeError.
 */
export interface AppendOnlyCollection {
  name: string;
  /** Whole days kept, counted from the day in the key (default 400). */
  retainDays?: number;
}

/** One record as an engine holds it, for copies between engines and migrations. */
export interface DumpedRecord {
  partition: string;
  collection: string;
  key: string;
  version: number;
  value: unknown;
  expiresAt?: string;
}

/** What a store copy (lowdb → Azure Tables) and the store.json migration need of an engine. */
export interface DumpableStore extends Store {
  /** Every live record of every partition, in no particular order. */
  dump(): AsyncIterable<DumpedRecord>;
  /**
   * Writes the records as they are, versions kept, overwriting what is there (no checks): for
   * copies and migrations into a store nothing else writes yet. Resolves with the count written.
   */
  load(records: AsyncIterable<DumpedRecord> | Iterable<DumpedRecord>): Promise<number>;
}
