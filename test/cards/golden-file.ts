// Golden files under test/golden/: the reviewed output of a card (or any JSON). A change shows up
// as a diff in review; run the tests with UPDATE_GOLDEN=1 to accept it.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const goldenRoot = new URL('../golden/', import.meta.url);

/** `relativePath` is under test/golden/, e.g. `cards/welcome.json`. */
export async function assertMatchesGolden(relativePath: string, value: unknown): Promise<void> {
  const file = fileURLToPath(new URL(relativePath, goldenRoot));
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env['UPDATE_GOLDEN'] === '1') {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, 'utf8');
  } catch {
    assert.fail(`golden file ${file} is missing; run the tests with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(
    actual,
    expected,
    `output differs from ${file} (UPDATE_GOLDEN=1 accepts the change)`,
  );
}
