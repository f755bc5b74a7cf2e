// Moves an existing DATA_DIR/store.json (schema v1 or v2, one flat file) into a partitioned store,
// versions kept. The caller decides where each record goes (mapRecord); records it maps to
// nothing are left out. store.json is renamed to a backup only once the store holds every record
// durably, so an interrupted migration simply runs again at the next start: load() writes records
// as they are, so loading them twice ends in the same state.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { DumpableStore, DumpedRecord } from './partitioned-store.ts';
import type { StoredRecord } from './plan-writes.ts';
import { decodeStoreFile } from './store-file-format.ts';
import { nodeStoreFiles } from './store-files.ts';

/** Where a record of store.json goes in the partitioned store; undefined: leave it out. */
export type StoreJsonRecordMapping = (
  collection: string,
  key: string,
  record: StoredRecord,
) => { partition: string; collection: string; key: string } | undefined;

export interface StoreJsonMigration {
  migrated: number;
  skipped: number;
  /** Where store.json was moved. */
  backup: string;
}

export interface MigrateStoreJsonOptions {
  fileName?: string;
  /** For the backup's name (default Date.now). */
  now?: () => number;
  logger?: { info(details: object, message: string): void };
}

/** Resolves undefined when there is no store.json to migrate. */
export async function migrateStoreJson(
  dataDir: string,
  mapRecord: StoreJsonRecordMapping,
  store: DumpableStore,
  options: MigrateStoreJsonOptions = {},
): Promise<StoreJsonMigration | undefined> {
  const file = join(dataDir, options.fileName ?? 'store.json');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const { collections, fileVersion } = decodeStoreFile(text, file);
  const records: DumpedRecord[] = [];
  const targets = new Map<string, string>();
  let skipped = 0;
  for (const [collection, entries] of collections) {
    for (const [key, record] of entries) {
      const target = mapRecord(collection, key, record);
      if (!target) {
        skipped += 1;
        continue;
      }
      const id = JSON.stringify([target.partition, target.collection, target.key]);
      const source = `${collection}/${key}`;
      const earlier = targets.get(id);
      if (earlier) {
        throw new TypeError(`The migration maps both ${earlier} and ${source} to ${id}`);
      }
      targets.set(id, source);
      records.push({ ...target, version: record.version, value: record.value });
    }
  }
  const migrated = await store.load(records); // resolves once durable
  const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
  const backup = `${file}.migrated-${stamp}.bak`;
  await rename(file, backup);
  await nodeStoreFiles.syncFolder(dataDir);
  options.logger?.info(
    { file, backup, migrated, skipped, schemaVersion: fileVersion },
    'store.json migrated to the partitioned store',
  );
  return { migrated, skipped, backup };
}
