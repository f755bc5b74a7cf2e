// Schema migrations of the store file, one step per version. Each step validates its input
// shape and returns the next version's raw JSON, so a step never sees data it does not expect.
import { z } from 'zod';
import { parseCollections } from './parse-collections.ts';

export const CURRENT_SCHEMA_VERSION = 2;

type Migration = (raw: unknown, file: string) => unknown;

// v1 (the first prototype) stored records as { v, value }; v2 spells the version out, the
// name the Store port and the Azure Tables implementation use.
const v1Record = z.object({ v: z.int().positive(), value: z.unknown() });

const migrations: Record<number, Migration> = {
  1: (raw, file) => {
    const collections = parseCollections(raw, v1Record, file);
    return {
      schemaVersion: 2,
      collections: Object.fromEntries(
        [...collections].map(([name, records]) => [
          name,
          Object.fromEntries(
            [...records].map(([key, r]) => [key, { version: r.v, value: r.value }]),
          ),
        ]),
      ),
    };
  },
};

/** Brings raw file JSON from `fromVersion` to CURRENT_SCHEMA_VERSION, one step at a time. */
export function migrateToCurrent(raw: unknown, fromVersion: number, file: string): unknown {
  let data = raw;
  for (let version = fromVersion; version < CURRENT_SCHEMA_VERSION; version++) {
    const step = migrations[version];
    if (!step) throw new Error(`No migration from store schema version ${version}`);
    data = step(data, file);
  }
  return data;
}
