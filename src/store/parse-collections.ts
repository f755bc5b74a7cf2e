// Reads `{ collections: { [name]: { [key]: record } } }` from parsed file JSON into Maps.
// Not z.record: it silently drops a "__proto__" key, and store keys are arbitrary strings.
import type { z } from 'zod';
import { StoreCorruptError } from './store.ts';

export type Collections<R> = Map<string, Map<string, R>>;

export function parseCollections<R>(
  raw: unknown,
  recordSchema: z.ZodType<R>,
  file: string,
): Collections<R> {
  const collections = isDictionary(raw) ? raw['collections'] : undefined;
  if (!isDictionary(collections)) {
    throw new StoreCorruptError(file, '"collections" is missing or not an object');
  }
  const result: Collections<R> = new Map();
  for (const [name, records] of Object.entries(collections)) {
    if (!isDictionary(records)) {
      throw new StoreCorruptError(file, `collection "${name}" is not an object`);
    }
    const parsed = new Map<string, R>();
    for (const [key, record] of Object.entries(records)) {
      const outcome = recordSchema.safeParse(record);
      if (!outcome.success) {
        const issue = outcome.error.issues[0];
        const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
        throw new StoreCorruptError(
          file,
          `record ${name}/${key} is invalid${where}: ${issue?.message ?? 'unknown problem'}`,
        );
      }
      parsed.set(key, outcome.data);
    }
    result.set(name, parsed);
  }
  return result;
}

export function isDictionary(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
