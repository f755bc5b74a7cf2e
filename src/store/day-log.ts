// The daily logs of an append-only collection: `<partition>/<collection>/<yyyy-mm-dd>.jsonl`, one
// `{"k":key,"value":…}` line per record, appended at checkpoints and dropped whole by retention.
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deepFreeze } from './deep-freeze.ts';
import { readJsonLines } from './json-lines.ts';
import { isDictionary } from './parse-collections.ts';
import type { StoreFiles } from './store-files.ts';

export interface DayRecord {
  key: string;
  value: unknown;
}

const dayFilePattern = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

export const dayFile = (folder: string, day: string): string => join(folder, `${day}.jsonl`);

/** The days that have a log in `folder`, oldest first. */
export async function listDays(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(ignoreMissing([] as string[]));
  return names
    .map((name) => dayFilePattern.exec(name)?.[1])
    .filter((day): day is string => day !== undefined)
    .sort();
}

/** The records of one day log, in the order they were appended, a torn tail ignored. */
export async function readDay(path: string): Promise<{ records: DayRecord[]; goodBytes: number }> {
  const text = await readFile(path, 'utf8').catch(ignoreMissing(''));
  const { items, goodBytes } = readJsonLines(text, path, parseDayLine);
  return { records: items, goodBytes };
}

/**
 * Appends records to a day log in one fsynced write. `checkExisting`: some may be there already
 * (replayed after a crash in an earlier checkpoint), so the log is read first and they are left
 * out. A tail torn by such a crash is cut off first, so that no append follows a broken line.
 */
export async function appendToDay(
  files: StoreFiles,
  path: string,
  records: readonly DayRecord[],
  checkExisting: boolean,
): Promise<void> {
  let fresh = records;
  let goodBytes: number | undefined;
  if (checkExisting || !(await endsCleanly(path))) {
    const existing = await readDay(path);
    const keys = new Set(existing.records.map((r) => r.key));
    fresh = records.filter((r) => !keys.has(r.key));
    goodBytes = existing.goodBytes;
  }
  const appender = await files.openAppender(path);
  try {
    if (goodBytes !== undefined && appender.size !== goodBytes) await appender.truncate(goodBytes);
    if (fresh.length === 0) return;
    const lines = fresh.map(
      (r) => `{"k":${JSON.stringify(r.key)},"value":${JSON.stringify(r.value)}}\n`,
    );
    await appender.append(lines.join(''));
  } finally {
    await appender.close();
  }
}

function parseDayLine(raw: unknown): DayRecord {
  if (!isDictionary(raw) || typeof raw['k'] !== 'string' || !('value' in raw)) {
    throw new Error('not a {"k","value"} record');
  }
  return { key: raw['k'], value: deepFreeze(raw['value']) };
}

// A log that is missing, empty or ends with a newline can take an append as it is.
async function endsCleanly(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(ignoreMissing(undefined));
  if (!handle) return true;
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

function ignoreMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  };
}
