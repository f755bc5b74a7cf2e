// Reads a JSON-lines file (journal or daily log) that a crash may have cut short. Every line was
// appended in one write and fsynced before anyone was told it was saved, so only the last line
// can be torn: a tail without its newline, or a last line that is not valid JSON, is ignored.
// Anything invalid before it is damage, not a crash, and stops the reader with the file named.
import { StoreCorruptError } from './store.ts';

export interface JsonLines<T> {
  items: T[];
  /** Bytes up to the end of the last good line: where an append may continue. */
  goodBytes: number;
  torn: boolean;
}

/** parse throws an Error (its message is the reason) when a line's JSON has the wrong shape. */
export function readJsonLines<T>(
  text: string,
  file: string,
  parse: (raw: unknown) => T,
): JsonLines<T> {
  const lines = text.split('\n');
  const tail = lines.pop()!; // after the last newline: '' unless the last append was cut short
  const items: T[] = [];
  let goodBytes = 0;
  for (const [index, line] of lines.entries()) {
    let item: T;
    const lineBytes = Buffer.byteLength(line, 'utf8') + 1;
    try {
      item = parse(JSON.parse(line));
    } catch (error) {
      const last = index === lines.length - 1 && tail === '';
      if (last) return { items, goodBytes, torn: true };
      throw new StoreCorruptError(file, `line ${index + 1}: ${(error as Error).message}`);
    }
    items.push(item);
    goodBytes += lineBytes;
  }
  return { items, goodBytes, torn: tail !== '' };
}
