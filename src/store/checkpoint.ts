// A checkpoint folds the journal into lowdb shard files and daily logs, then removes it:
//   1. rotate: new groups go to journal n+1; wait until no append to journal n is in flight;
//   2. take the dirty shards (everything journals <= n changed) and the buffered appends;
//   3. write each dirty shard file (write temp, fsync, rename), dropping expired records, or
//      remove it when empty; after a layout growth, write every shard, then remove the old ones;
//   4. append the buffered records to their day logs (fsync), and drop days past retention;
//   5. remove journals <= n.
// A crash anywhere before 5 leaves journal n on disk, and replaying it over newer shard files
// gives the same state. Shard files are written from committed state only, and may hold changes
// from journal n+1 already: replaying those is idempotent too.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppendOnlyRules } from './append-only-rules.ts';
import type { BufferedDay, BufferedEntry } from './append-buffer.ts';
import type { CollectionState, DirtyShards } from './collection-state.ts';
import { appendToDay, dayFile, listDays } from './day-log.ts';
import type { JournalWriter } from './journal-writer.ts';
import { journalFilePattern } from './journal-writer.ts';
import { decodeName, encodeName } from './name-encoding.ts';
import { isLive, type PartitionRecord } from './partition-record.ts';
import { encodeShardFile } from './shard-file.ts';
import { bitsFor, shardFileName } from './shard-layout.ts';
import type { StoreFiles } from './store-files.ts';
import type { StoreState } from './store-state.ts';

export interface CheckpointContext {
  state: StoreState;
  writer: JournalWriter;
  files: StoreFiles;
  appendOnly: AppendOnlyRules;
  now: () => number;
  maxShardBytes: number;
  /** Also look for whole days past retention on disk (once a day is enough). */
  retention: boolean;
}

export interface CheckpointReport {
  shardsWritten: number;
  filesRemoved: number;
  daysAppended: number;
  journalsRemoved: number;
  bytesWritten: number;
}

export async function runCheckpoint(ctx: CheckpointContext): Promise<CheckpointReport> {
  const report: CheckpointReport = {
    shardsWritten: 0,
    filesRemoved: 0,
    daysAppended: 0,
    journalsRemoved: 0,
    bytesWritten: 0,
  };
  const rotated = await ctx.writer.rotate();
  const now = ctx.now();
  const work: { collection: CollectionState; dirty: DirtyShards }[] = [];
  for (const collection of ctx.state.collections()) {
    collection.regrow(bitsFor(collection.bytes, ctx.maxShardBytes, collection.bits));
    collection.markExpiredDirty(now);
    if (collection.isDirty) work.push({ collection, dirty: collection.takeDirty() });
  }
  const days = ctx.state.buffer.days().map((day) => ({ day, entries: [...day.entries.values()] }));
  try {
    for (const { collection, dirty } of work)
      await writeCollection(ctx, collection, dirty, now, report);
    for (const { day, entries } of days) await appendDay(ctx, day, entries, now, report);
    if (ctx.retention) await removeDaysPastRetention(ctx, now, report);
    await removeJournals(ctx, rotated, report);
  } catch (error) {
    // Nothing is lost (the journals stay): the next checkpoint writes all of it again.
    for (const { collection, dirty } of work) {
      if (dirty === 'all') collection.markDirty('all');
      else for (const shard of dirty) collection.markDirty(shard);
    }
    for (const { entries } of days) for (const entry of entries) entry.maybeWritten = true;
    throw error;
  }
  for (const { collection } of work) ctx.state.forgetIfEmpty(collection);
  return report;
}

async function writeCollection(
  ctx: CheckpointContext,
  collection: CollectionState,
  dirty: DirtyShards,
  now: number,
  report: CheckpointReport,
): Promise<void> {
  const shards = dirty === 'all' ? collection.shards() : [...dirty];
  const written = new Set<string>();
  const removedBefore = report.filesRemoved;
  let folderReady = false;
  for (const shard of shards) {
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
      if (!folderReady) await ctx.files.makeFolder(collection.folder);
      folderReady = true;
      await ctx.files.replace(join(collection.folder, name), text);
      collection.files.add(name);
      written.add(name);
      report.shardsWritten += 1;
      report.bytesWritten += text.length;
    } else if (collection.files.has(name)) {
      await removeShardFile(ctx, collection, name, report);
    }
    // Expired records leave memory once the file lacks them (unless written again meanwhile).
    for (const [key, record] of expired) {
      if (collection.table.peek(key) === record) {
        ctx.state.liveBytes += collection.delete(key, { dirty: false });
      }
    }
  }
  if (dirty === 'all') {
    // The whole collection is in the current layout now: older layouts and empty shards go.
    for (const name of [...collection.files]) {
      if (!written.has(name)) await removeShardFile(ctx, collection, name, report);
    }
  }
  if (report.filesRemoved > removedBefore) await ctx.files.syncFolder(collection.folder);
}

async function removeShardFile(
  ctx: CheckpointContext,
  collection: CollectionState,
  name: string,
  report: CheckpointReport,
): Promise<void> {
  await ctx.files.remove(join(collection.folder, name));
  collection.files.delete(name);
  report.filesRemoved += 1;
}

async function appendDay(
  ctx: CheckpointContext,
  day: BufferedDay,
  entries: readonly BufferedEntry[],
  now: number,
  report: CheckpointReport,
): Promise<void> {
  const kept = day.day >= ctx.appendOnly.firstKeptDay(day.collection, now);
  if (kept) {
    const folder = ctx.state.collectionFolder(day.partition, day.collection);
    await ctx.files.makeFolder(folder);
    const checkExisting = entries.some((entry) => entry.maybeWritten);
    await appendToDay(ctx.files, dayFile(folder, day.day), entries, checkExisting);
    report.daysAppended += 1;
  }
  ctx.state.buffer.release(day, entries);
}

async function removeDaysPastRetention(
  ctx: CheckpointContext,
  now: number,
  report: CheckpointReport,
): Promise<void> {
  const partitions = await readdir(ctx.state.folder, { withFileTypes: true });
  for (const entry of partitions) {
    if (!entry.isDirectory() || decodeName(entry.name) === undefined) continue;
    for (const collection of ctx.appendOnly.names) {
      const folder = join(ctx.state.folder, entry.name, encodeName(collection));
      const firstKept = ctx.appendOnly.firstKeptDay(collection, now);
      const old = (await listDays(folder)).filter((day) => day < firstKept);
      for (const day of old) await ctx.files.remove(dayFile(folder, day));
      if (old.length > 0) await ctx.files.syncFolder(folder);
      report.filesRemoved += old.length;
    }
  }
}

async function removeJournals(
  ctx: CheckpointContext,
  upTo: number,
  report: CheckpointReport,
): Promise<void> {
  const folder = ctx.state.folder;
  const names = (await readdir(folder)).filter((name) => {
    const number = journalFilePattern.exec(name)?.[1];
    return number !== undefined && Number(number) <= upTo;
  });
  for (const name of names) await ctx.files.remove(join(folder, name));
  if (names.length > 0) await ctx.files.syncFolder(folder);
  report.journalsRemoved += names.length;
}
