// A record as the in-process partitioned engines hold it (the journaled lowdb store and the
// memory fake), and the rules of its lifetime shared by both.
import type { VersionedRecord } from './store.ts';

export interface PartitionRecord {
  /** Monotonic per record; starts at 1. */
  version: number;
  /** A deeply frozen JSON value, shared by every reader. */
  value: unknown;
  /** Epoch milliseconds after which the record is gone; undefined: kept. */
  expiresAt?: number;
  /** Approximate size in bytes as JSON, for sizing shard files and checkpoints. */
  size: number;
}

/** Whether the record exists for readers and compare-and-set at `now` (epoch ms). */
export function isLive(record: PartitionRecord | undefined, now: number): boolean {
  return record !== undefined && (record.expiresAt === undefined || record.expiresAt > now);
}

export function toVersioned<T>(key: string, record: PartitionRecord): VersionedRecord<T> {
  return { key, version: record.version, value: record.value as T };
}
