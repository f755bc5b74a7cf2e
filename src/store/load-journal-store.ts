// Opening the journaled store: the shard files of every collection, then the journals in order on
// top (their ops carry resulting versions and values, so replaying what a shard file already
// holds changes nothing). Anything damaged stops start-up with a StoreCorruptError naming the
// file; only a journal's torn last line, cut by a crash before it was acknowledged, is ignored.
import { readFile, readdir, rm } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { decodeJournalLine } from './journal-line.ts';
import { journalFilePattern } from './journal-writer.ts';
import { readJsonLines } from './json-lines.ts';
import { decodeName } from './name-encoding.ts';
import { decodeShardFile } from './shard-file.ts';
import { parseShardFileName, shardOf } from './shard-layout.ts';
import { StoreState } from './store-state.ts';
import { StoreCorruptError } from './store.ts';

export interface LoadedStore {
  state: StoreState;
  /** Journal files found, oldest first. */
  journals: { number: number; path: string; bytes: number }[];
  /** Lines cut short by a crash, ignored. */
  tornJournals: string[];
}

export async function loadJournalStore(folder: string): Promise<LoadedStore> {
  const state = new StoreState(folder);
  const entries = await readdir(folder, { withFileTypes: true });
  for (const partitionEntry of entries) {
    const partition = partitionEntry.isDirectory() ? decodeName(partitionEntry.name) : undefined;
    if (partition === undefined) continue;
    const partitionFolder = join(folder, partitionEntry.name);
    for (const collectionEntry of await readdir(partitionFolder, { withFileTypes: true })) {
      const collection = collectionEntry.isDirectory()
        ? decodeName(collectionEntry.name)
        : undefined;
      if (collection === undefined) continue;
      await loadCollection(
        state,
        partition,
        collection,
        join(partitionFolder, collectionEntry.name),
      );
    }
  }
  const journals = entries
    .filter((entry) => entry.isFile() && journalFilePattern.test(entry.name))
    .map((entry) => ({
      number: Number(journalFilePattern.exec(entry.name)![1]),
      path: join(folder, entry.name),
      bytes: 0,
    }))
    .sort((a, b) => a.number - b.number);
  const tornJournals: string[] = [];
  for (const journal of journals) {
    const text = await readFile(journal.path, 'utf8');
    const { items, torn } = readJsonLines(text, journal.path, decodeJournalLine);
    for (const changes of items) for (const change of changes) state.apply(change, true);
    journal.bytes = Buffer.byteLength(text, 'utf8');
    if (torn) tornJournals.push(journal.path);
  }
  return { state, journals, tornJournals };
}

async function loadCollection(
  state: StoreState,
  partition: string,
  collection: string,
  folder: string,
): Promise<void> {
  const shardFiles: { name: string; bits: number; shard: number }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (isStaleTemp(entry)) await rm(join(folder, entry.name), { force: true });
    const layout = entry.isFile() ? parseShardFileName(entry.name) : undefined;
    if (layout) shardFiles.push({ name: entry.name, ...layout });
  }
  if (shardFiles.length === 0) return;
  // After a crash in the middle of a regrowth both layouts exist: the newer one is read last and
  // wins; the next checkpoint rewrites the whole collection in it and removes the older files.
  shardFiles.sort((a, b) => a.bits - b.bits);
  const bits = shardFiles.at(-1)!.bits;
  const target = state.collection(partition, collection);
  target.useLayout(bits);
  for (const file of shardFiles) {
    const path = join(folder, file.name);
    const content = decodeShardFile(await readFile(path, 'utf8'), path);
    if (content.partition !== partition || content.collection !== collection) {
      throw new StoreCorruptError(path, `it holds ${content.partition}/${content.collection}`);
    }
    for (const [key, record] of content.records) {
      if (shardOf(key, file.bits) !== file.shard) {
        throw new StoreCorruptError(path, `record ${key} does not belong in this shard`);
      }
      state.liveBytes += target.set(key, record, { bulk: true, dirty: false });
    }
    target.files.add(file.name);
  }
  if (shardFiles.some((file) => file.bits !== bits)) target.markDirty('all');
}

// DurableTextFile's temp files (`.name.<pid>.<n>.tmp`): we hold the lock, so none is being written.
const isStaleTemp = (entry: Dirent): boolean =>
  entry.isFile() && entry.name.startsWith('.') && entry.name.endsWith('.tmp');
