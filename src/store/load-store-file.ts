// Reads the store file at start: missing = new store; corrupt or too new = error, file untouched;
// an older schema = migrated, the original kept as a backup, the file rewritten at once.
import type { Adapter } from 'lowdb';
import type { Collections } from './parse-collections.ts';
import type { StoredRecord } from './plan-writes.ts';
import { CURRENT_SCHEMA_VERSION } from './migrations.ts';
import { decodeStoreFile, encodeStoreFile } from './store-file-format.ts';

export async function loadStoreFile(
  file: string,
  openFile: (path: string) => Adapter<string>,
  logger?: { info(details: object, message: string): void },
): Promise<Collections<StoredRecord>> {
  const text = await openFile(file).read();
  if (text === null) return new Map();
  const { collections, fileVersion } = decodeStoreFile(text, file);
  if (fileVersion < CURRENT_SCHEMA_VERSION) {
    const backup = `${file}.schema-v${fileVersion}.bak`;
    await openFile(backup).write(text);
    await openFile(file).write(encodeStoreFile(collections));
    logger?.info(
      { file, backup, from: fileVersion, to: CURRENT_SCHEMA_VERSION },
      'store file migrated to the current schema',
    );
  }
  return collections;
}
