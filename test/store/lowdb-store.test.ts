import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableTextFile } from '../../src/store/durable-text-file.ts';
import { openLowdbStore, type LowdbStore } from '../../src/store/lowdb-store.ts';
import { StoreWriteError } from '../../src/store/store-errors.ts';
import { describeStoreContract } from './store-contract.ts';
import { ControllableFile, diskError, makeTempDir, removeDir, settle } from './test-files.ts';

describeStoreContract('LowdbStore', async () => {
  const dir = await makeTempDir();
  return { store: await openLowdbStore({ dataDir: dir }), cleanup: () => removeDir(dir) };
});

describe('LowdbStore', () => {
  let dir: string;
  let store: LowdbStore | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await removeDir(dir);
  });

  const openControlled = async () => {
    const file = new ControllableFile(new DurableTextFile(join(dir, 'store.json')));
    store = await openLowdbStore({ dataDir: dir, openFile: () => file });
    return { store, file };
  };
  const fileText = () => readFile(join(dir, 'store.json'), 'utf8').catch(() => '');

  it('keeps records and versions across close and reopen', async () => {
    const first = await openLowdbStore({ dataDir: dir, fileName: 'bot.json' });
    await first.put('incidents', 'a', { status: 'active' });
    await first.put('incidents', 'a', { status: 'resolved' }, 1);
    await first.batch([{ kind: 'put', collection: 'outbox', key: 'e1', value: 1 }]);
    await first.put('outbox', 'gone', 1);
    await first.put('outbox', '__proto__', 'kept as a key');
    await first.delete('outbox', 'gone');
    await first.close();
    store = await openLowdbStore({ dataDir: dir, fileName: 'bot.json' });
    assert.deepEqual(await store.get('incidents', 'a'), {
      key: 'a',
      version: 2,
      value: { status: 'resolved' },
    });
    assert.deepEqual(
      (await store.list('outbox')).map((r) => r.key),
      ['__proto__', 'e1'],
    );
    assert.equal((await store.put('incidents', 'a', {}, 2)).version, 3);
  });

  it('coalesces a burst of 1,000 concurrent puts into a handful of file writes', async () => {
    store = await openLowdbStore({ dataDir: dir });
    const s = store;
    await Promise.all(Array.from({ length: 1000 }, (_, i) => s.put('burst', `k${i}`, i)));
    assert.ok(store.writeCount >= 1 && store.writeCount <= 5, `${store.writeCount} writes`);
    const saved = JSON.parse(await fileText());
    assert.equal(Object.keys(saved.collections.burst).length, 1000);
  });

  it('resolves a mutation only after a file write containing it, and reads wait for it', async () => {
    const { store, file } = await openControlled();
    const release = file.hold();
    let acknowledged = false;
    const put = store.put('items', 'x', 'value').then(() => (acknowledged = true));
    const read = store.get('items', 'x');
    await settle();
    assert.equal(acknowledged, false);
    assert.equal(await fileText(), '');
    release();
    await put;
    assert.ok((await fileText()).includes('"value"'));
    assert.equal((await read)?.value, 'value');
  });

  it('joins mutations made during a write into the next write', async () => {
    const { store, file } = await openControlled();
    const release = file.hold();
    const first = store.put('items', 'a', 1);
    await settle();
    assert.equal(file.started, 1);
    const later = [store.put('items', 'b', 2), store.put('items', 'a', 3, 1)];
    release();
    await Promise.all([first, ...later]);
    assert.equal(file.written.length, 2);
    const [one, two] = file.written.map((text): unknown => JSON.parse(text).collections.items);
    assert.deepEqual(one, { a: { version: 1, value: 1 } });
    assert.deepEqual(two, { a: { version: 2, value: 3 }, b: { version: 1, value: 2 } });
  });

  it('rejects waiting mutations and rolls memory back when the disk write fails', async () => {
    const { store, file } = await openControlled();
    await store.put('items', 'kept', 'old');
    file.failure = diskError('ENOSPC');
    const release = file.hold();
    const failing = store.put('items', 'kept', 'new', 1);
    await settle();
    const queued = store.put('items', 'b', 'queued', 0);
    release();
    for (const attempt of [failing, queued]) {
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof StoreWriteError);
        assert.equal(error.code, 'STORE_WRITE_FAILED');
        assert.match(error.message, /store\.json.*ENOSPC/);
        return true;
      });
    }
    assert.deepEqual(await store.get('items', 'kept'), { key: 'kept', version: 1, value: 'old' });
    assert.equal(await store.get('items', 'b'), undefined);
    file.failure = undefined;
    assert.equal((await store.put('items', 'b', 'retried', 0)).version, 1);
    const saved = JSON.parse(await fileText()).collections.items;
    assert.deepEqual(saved, {
      kept: { version: 1, value: 'old' },
      b: { version: 1, value: 'retried' },
    });
  });

  it('flushes pending writes on close', async () => {
    const { store, file } = await openControlled();
    const release = file.hold();
    let acknowledged = false;
    const put = store.put('items', 'late', 'saved').then(() => (acknowledged = true));
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await settle();
    assert.equal(closed, false);
    release();
    await closing;
    assert.equal(acknowledged, true);
    await put;
    assert.equal(JSON.parse(await fileText()).collections.items.late.value, 'saved');
  });

  it('rejects ping when the data directory has gone', async () => {
    store = await openLowdbStore({ dataDir: join(dir, 'nested', 'data') });
    await store.ping();
    await removeDir(join(dir, 'nested'));
    await assert.rejects(store.ping(), { code: 'ENOENT' });
  });
});
