import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openJournalStore } from '../../src/store/journal-store.ts';
import { StoreLockedError } from '../../src/store/store-lock.ts';
import { makeTempDir, removeDir } from './test-files.ts';

describe('JournalStore process lock', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    lockFile = join(dir, 'store', 'store.lock');
    await mkdir(join(dir, 'store'));
  });
  afterEach(() => removeDir(dir));

  it('refuses a second open of the same folder in this process, and frees it on close', async () => {
    const store = await openJournalStore({ dataDir: dir });
    assert.equal(await readFile(lockFile, 'utf8'), `${process.pid}\n`);
    await assert.rejects(openJournalStore({ dataDir: dir }), (error: unknown) => {
      assert.ok(error instanceof StoreLockedError);
      assert.equal(error.code, 'STORE_LOCKED');
      assert.equal(error.pid, process.pid);
      assert.match(error.message, /already open in this process/);
      return true;
    });
    await store.close();
    assert.deepEqual(await readdir(join(dir, 'store')), []);
    await (await openJournalStore({ dataDir: dir })).close();
  });

  it('refuses a folder locked by another live process, naming the folder and the pid', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    try {
      await writeFile(lockFile, `${other.pid}\n`);
      await assert.rejects(openJournalStore({ dataDir: dir }), (error: unknown) => {
        assert.ok(error instanceof StoreLockedError);
        assert.equal(error.pid, other.pid);
        assert.equal(error.folder, join(dir, 'store'));
        assert.match(
          error.message,
          new RegExp(`${join(dir, 'store')} is in use by process ${other.pid}`),
        );
        return true;
      });
      assert.equal(await readFile(lockFile, 'utf8'), `${other.pid}\n`, 'the lock is left alone');
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
  });

  it('takes over the lock of a process that died, and one left by an earlier run with our pid', async () => {
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(dead, 'exit');
    for (const stale of [`${dead.pid}\n`, `${process.pid}\n`, '']) {
      await writeFile(lockFile, stale);
      const store = await openJournalStore({ dataDir: dir });
      assert.equal(await readFile(lockFile, 'utf8'), `${process.pid}\n`);
      await store.close();
    }
  });
});
