import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableTextFile, removeStaleTempFiles } from '../../src/store/durable-text-file.ts';
import { makeTempDir, removeDir } from './test-files.ts';

describe('DurableTextFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('reads a missing file as null', async () => {
    assert.equal(await new DurableTextFile(join(dir, 'none.json')).read(), null);
  });

  it('replaces the file and leaves no temp file behind', async () => {
    const file = new DurableTextFile(join(dir, 'store.json'));
    await file.write('one');
    await file.write('two');
    assert.equal(await file.read(), 'two');
    assert.deepEqual(await readdir(dir), ['store.json']);
  });

  it('gives concurrent writers their own temp files, so none of them fails', async () => {
    const path = join(dir, 'store.json');
    const writers = [new DurableTextFile(path), new DurableTextFile(path)];
    const texts = Array.from({ length: 20 }, (_, i) => `text ${i}`);
    await Promise.all(texts.map((text, i) => writers[i % 2]!.write(text)));
    assert.ok(texts.includes(await readFile(path, 'utf8')));
    assert.deepEqual(await readdir(dir), ['store.json']);
  });

  it('removes its temp file and rejects when the rename fails', async () => {
    const path = join(dir, 'taken');
    await mkdir(path); // renaming a file over a directory fails
    await assert.rejects(new DurableTextFile(path).write('text'));
    assert.deepEqual(await readdir(dir), ['taken']);
  });

  it('removes temp files of dead processes only', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const names = {
      dead: `.store.json.${deadPid}.3.tmp`,
      alive: `.store.json.${process.pid}.7.tmp`,
      other: `.other.json.${deadPid}.1.tmp`,
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'partial');
    assert.deepEqual(await removeStaleTempFiles(join(dir, 'store.json')), [names.dead]);
    assert.deepEqual((await readdir(dir)).sort(), [names.other, names.alive].sort());
  });
});
