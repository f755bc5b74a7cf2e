// A shard file: one lowdb JSON document holding some records of one collection of one partition,
// one record per line so that a person can read and diff it.
//   {"format":1,"partition":"…","collection":"…","records":{
//   "key":{"version":3,"value":…,"expiresAt":"…"},
//   …}}
import { deepFreeze } from './deep-freeze.ts';
import type { PartitionRecord } from './partition-record.ts';
import { isDictionary } from './parse-collections.ts';
import { StoreCorruptError } from './store.ts';

export const SHARD_FORMAT = 1;

export interface ShardContent {
  partition: string;
  collection: string;
  records: [string, PartitionRecord][];
}

export function encodeShardFile(
  partition: string,
  collection: string,
  records: Iterable<[string, PartitionRecord]>,
): string {
  const lines: string[] = [];
  for (const [key, { version, value, expiresAt }] of records) {
    const exp =
      expiresAt === undefined ? '' : `,"expiresAt":"${new Date(expiresAt).toISOString()}"`;
    lines.push(
      `${JSON.stringify(key)}:{"version":${version},"value":${JSON.stringify(value)}${exp}}`,
    );
  }
  const head = `{"format":${SHARD_FORMAT},"partition":${JSON.stringify(partition)},"collection":${JSON.stringify(collection)},"records":{`;
  return `${head}\n${lines.join(',\n')}\n}}\n`;
}

/** Strict: anything unexpected is a StoreCorruptError naming the file, never an empty shard. */
export function decodeShardFile(text: string, file: string): ShardContent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StoreCorruptError(file, `not valid JSON: ${(error as Error).message}`);
  }
  if (!isDictionary(raw) || raw['format'] !== SHARD_FORMAT) {
    throw new StoreCorruptError(file, `not a shard file of format ${SHARD_FORMAT}`);
  }
  const { partition, collection, records } = raw;
  if (typeof partition !== 'string' || typeof collection !== 'string' || !isDictionary(records)) {
    throw new StoreCorruptError(file, '"partition", "collection" or "records" is missing');
  }
  const entries = Object.entries(records);
  // The file is its records' lines (recordSize) plus a short head: their share is close enough.
  const size = Math.ceil(text.length / Math.max(1, entries.length));
  return {
    partition,
    collection,
    records: entries.map(([key, record]) => [key, toRecord(key, record, size, file)]),
  };
}

function toRecord(key: string, raw: unknown, size: number, file: string): PartitionRecord {
  const fail = (reason: string) => new StoreCorruptError(file, `record ${key} ${reason}`);
  if (!isDictionary(raw) || !('value' in raw)) throw fail('has no value');
  const { version, value, expiresAt } = raw;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw fail('has no positive integer version');
  }
  const record: PartitionRecord = { version, value: deepFreeze(value), size };
  if (expiresAt !== undefined) {
    const ms = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    if (Number.isNaN(ms)) throw fail('has an expiresAt that is not an instant');
    record.expiresAt = ms;
  }
  return record;
}
