// Step 3 of a checkpoint for one collection: each dirty shard rewritten from committed state as
// one bounded lowdb file (write temp, fsync, rename), its expired records left out and then let go
// of, or its file removed when the shard is empty. After a layout growth every shard is written,
// then the files of the older layout go. A few files are written at a time: fsyncs overlap.
import { join } from 'node:path';
import type { CollectionState, DirtyShards } from './collection-state.ts';
import { isLive, type PartitionRecord } from './partition-record.ts';
import { encodeShardFile } from './shard-file.ts';
import { shardFileName } from './shard-layout.ts';
import type { StoreFiles } from './store-files.ts';
import type { StoreState } from './store-state.ts';

const WRITES_AT_ONCE = 4;

export interface ShardWriteReport {
  shardsWritten: number;
  filesRemoved: number;
  bytesWritten: number;
}

export async function writeShards(
  files: StoreFiles,
  state: StoreState,
  collection: CollectionState,
  dirty: DirtyShards,
  now: number,
  report: ShardWriteReport,
): Promise<void> {
  const shards = dirty === 'all' ? collection.shards() : [...dirty];
  const written = new Set<string>();
  const removed: string[] = [];
  const remove = async (name: string) => {
    await files.remove(join(collection.folder, name));
    collection.files.delete(name);
    removed.push(name);
  };
  if (collection.table.size > 0) await files.makeFolder(collection.folder);
  const writeShard = async (shard: number) => {
    const name = shardFileName(collection.bits, shard);
    const live: [string, PartitionRecord][] = [];
    const expired: [string, PartitionRecord][] = [];
    let earliest: number | undefined;
    for (const key of collection.keysOf(shard)) {
      const record = collection.table.peek(key)!;
      if (!isLive(record, now)) expired.push([key, record]);
      else {
        live.push([key, record]);
        if (record.expiresAt !== undefined)
          earliest = Math.min(record.expiresAt, earliest ?? Infinity);
      }
    }
    collection.setEarliestExpiry(shard, earliest);
    if (live.length > 0) {
      const text = encodeShardFile(collection.partition, collection.collection, live);
      await files.replace(join(collection.folder, name), text);
      collection.files.add(name);
      written.add(name);
      report.shardsWritten += 1;
      report.bytesWritten += text.length;
    } else if (collection.files.has(name)) {
      await remove(name);
    }
    // Expired records leave memory once the file lacks them (unless written again meanwhile).
    for (const [key, record] of expired) {
      if (collection.table.peek(key) === record)
        state.liveBytes += collection.delete(key, { dirty: false });
    }
  };
  const queue = [...shards];
  const worker = async () => {
    for (let shard = queue.shift(); shard !== undefined; shard = queue.shift())
      await writeShard(shard);
  };
  await Promise.all(Array.from({ length: Math.min(WRITES_AT_ONCE, queue.length) }, worker));
  if (dirty === 'all') {
    // The whole collection is in the current layout now: older layouts and empty shards go.
    for (const name of [...collection.files]) if (!written.has(name)) await remove(name);
  }
  if (removed.length > 0) await files.syncFolder(collection.folder);
  report.filesRemoved += removed.length;
}
