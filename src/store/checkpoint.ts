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
import { bitsFor } from './shard-layout.ts';
import type { StoreFiles } from './store-files.ts';
import type { StoreState } from './store-state.ts';
import { writeShards } from './write-shards.ts';

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
    for (const { collection, dirty } of work) {
      await writeShards(ctx.files, ctx.state, collection, dirty, now, report);
    }
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
