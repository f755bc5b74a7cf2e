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
  /** Length of its line in a shard file (recordSize), for sizing shard files and checkpoints. */
  size: number;
}

const EXPIRES_AT_LENGTH = ',"expiresAt":"2026-12-02T12:00:00.000Z"'.length;

/**
 * The length of a record's line in a shard file, `"key":{"version":3,"value":…},`. Committed and
 * replayed records are sized alike, and a shard file's length is close to the sum of its records'
 * sizes, so the layout chosen from sizes is the same before and after a reopen.
 */
export function recordSize(
  key: string,
  valueJson: string,
  version: number,
  expiring: boolean,
): number {
  const wrapper = '{"version":,"value":},\n'.length + String(version).length;
  return (
    JSON.stringify(key).length + 1 + wrapper + valueJson.length + (expiring ? EXPIRES_AT_LENGTH : 0)
  );
}

/** Whether the record exists for readers and compare-and-set at `now` (epoch ms). */
export function isLive(record: PartitionRecord | undefined, now: number): boolean {
  return record !== undefined && (record.expiresAt === undefined || record.expiresAt > now);
}

export function toVersioned<T>(key: string, record: PartitionRecord): VersionedRecord<T> {
  return { key, version: record.version, value: record.value as T };
}
