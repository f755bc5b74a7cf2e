// The store file: `{ schemaVersion, collections: { [name]: { [key]: { version, value } } } }`.
// Decoding is strict: anything unexpected is a StoreCorruptError, so a damaged file is never
// mistaken for an empty store and overwritten.
import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, migrateToCurrent } from './migrations.ts';
import { isDictionary, parseCollections, type Collections } from './parse-collections.ts';
import type { StoredRecord } from './plan-writes.ts';
import { StoreCorruptError } from './store.ts';
import { StoreSchemaTooNewError } from './store-errors.ts';

const storedRecord = z.object({ version: z.int().positive(), value: z.unknown() });

export interface DecodedStoreFile {
  collections: Collections<StoredRecord>;
  /** The schema version found in the file, before migration. */
  fileVersion: number;
}

export function decodeStoreFile(text: string, file: string): DecodedStoreFile {
  if (text.trim() === '') throw new StoreCorruptError(file, 'the file is empty');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StoreCorruptError(file, `not valid JSON: ${(error as Error).message}`);
  }
  const version = isDictionary(raw) ? raw['schemaVersion'] : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new StoreCorruptError(file, '"schemaVersion" is missing or not a positive integer');
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new StoreSchemaTooNewError(file, version, CURRENT_SCHEMA_VERSION);
  }
  const current = migrateToCurrent(raw, version, file);
  return { collections: parseCollections(current, storedRecord, file), fileVersion: version };
}

export function encodeStoreFile(collections: Collections<StoredRecord>): string {
  // Object.fromEntries defines own properties, so keys such as "__proto__" survive.
  const data = {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    collections: Object.fromEntries(
      [...collections].map(([name, records]) => [name, Object.fromEntries(records)]),
    ),
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}
