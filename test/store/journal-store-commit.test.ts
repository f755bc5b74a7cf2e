// The commit path of the journaled store: coalescing, durability before acknowledgement, reads
// that never wait for a write, and rollback when the journal cannot be written.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openJournalStore, type JournalStore } from '../../src/store/journal-store.ts';
import { StoreWriteError } from '../../src/store/store-errors.ts';
import { InstrumentedFiles, readText, sortedDump, storeFiles } from './journal-test-files.ts';
import { diskError, makeTempDir, removeDir, settle } from './test-files.ts';

describe('JournalStore commits', () => {
  let dir: string;
  let files: InstrumentedFiles;
  let store: JournalStore;
  const open = () => openJournalStore({ dataDir: dir, files, checkpointIntervalMs: 3_600_000 });
  beforeEach(async () => {
    dir = await makeTempDir();
    files = new InstrumentedFiles();
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await removeDir(dir);
  });

  it('coalesces 1,000 concurrent puts into a handful of journal fsyncs', async () => {
    const p = store.partition('tenant-a');
    await Promise.all(Array.from({ length: 1000 }, (_, i) => p.put('burst', `k${i}`, { i })));
    assert.ok(files.journalSyncs >= 1 && files.journalSyncs <= 5, `${files.journalSyncs} fsyncs`);
    assert.equal((await p.list('burst')).length, 1000);
    await store.close();
    store = await open();
    assert.equal((await store.partition('tenant-a').list('burst')).length, 1000);
  });

  it('acknowledges a write only after its fsync, while reads answer at once from committed state', async () => {
    const p = store.partition('tenant-a');
    await p.put('items', 'x', 'old');
    const held = files.hold('append');
    let acknowledged = false;
    const put = p.put('items', 'x', 'new', 1).then(() => (acknowledged = true));
    await held.reached;
    // The read neither waits for the held fsync nor sees the change that is not durable yet.
    assert.deepEqual(await p.get('items', 'x'), { key: 'x', version: 1, value: 'old' });
    assert.deepEqual(
      (await p.list('items')).map((r) => r.value),
      ['old'],
    );
    // A compare-and-set does see the pending change: it was checked against it.
    await assert.rejects(p.put('items', 'x', 'stale', 1), { code: 'STORE_CONFLICT' });
    assert.equal(acknowledged, false);
    held.release();
    await put;
    assert.deepEqual(await p.get('items', 'x'), { key: 'x', version: 2, value: 'new' });
  });

  it('joins writes made while a line is being written into the next line', async () => {
    const p = store.partition('tenant-a');
    const held = files.hold('append');
    const first = p.put('items', 'a', 1);
    await held.reached;
    const later = [
      p.put('items', 'b', 2),
      p.put('items', 'a', 3, 1),
      store.partition('t2').put('items', 'c', 4),
    ];
    held.release();
    await Promise.all([first, ...later]);
    assert.equal(files.journalSyncs, 2);
    assert.deepEqual(await p.get('items', 'a'), { key: 'a', version: 2, value: 3 });
  });

  it('rejects the failed and the queued writes and keeps none of them when the journal write fails', async () => {
    const p = store.partition('tenant-a');
    await p.put('items', 'kept', 'old');
    files.fail = (step) => (step === 'append' ? diskError('ENOSPC') : undefined);
    files.tearFailedAppends = true; // half a line reaches the file, as on a full disk
    files.failTruncate = true; // and cannot even be cut off again
    const held = files.hold('append');
    const failing = p.put('items', 'kept', 'new', 1);
    await held.reached;
    const queued = p.batch([
      { kind: 'put', collection: 'items', key: 'b', value: 'queued', expectedVersion: 0 },
    ]);
    held.release();
    for (const attempt of [failing, queued]) {
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof StoreWriteError);
        assert.equal(error.code, 'STORE_WRITE_FAILED');
        assert.match(error.message, /journal-1\.jsonl.*ENOSPC/);
        return true;
      });
    }
    assert.deepEqual(await p.get('items', 'kept'), { key: 'kept', version: 1, value: 'old' });
    assert.equal(await p.get('items', 'b'), undefined);
    files.fail = undefined;
    files.failTruncate = false;
    assert.equal((await p.put('items', 'b', 'retried', 0)).version, 1);
    // The torn line stays at the end of journal 1: later lines went to journal 2.
    assert.deepEqual(
      (await readdir(join(dir, 'store'))).filter((n) => n.startsWith('journal')).sort(),
      ['journal-1.jsonl', 'journal-2.jsonl'],
    );
    assert.ok(!(await readText(join(dir, 'store', 'journal-1.jsonl'))).endsWith('\n'));
    const before = await sortedDump(store);
    await store.close();
    store = await open();
    assert.deepEqual(await sortedDump(store), before);
    assert.deepEqual(
      (await store.partition('tenant-a').list('items')).map((r) => [r.key, r.version, r.value]),
      [
        ['b', 1, 'retried'],
        ['kept', 1, 'old'],
      ],
    );
  });

  it('flushes pending writes and checkpoints on close, leaving no journal', async () => {
    const p = store.partition('tenant-a');
    const held = files.hold('append');
    let acknowledged = false;
    const put = p.put('items', 'late', 'saved').then(() => (acknowledged = true));
    await held.reached;
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await settle();
    assert.equal(closed, false);
    held.release();
    await closing;
    assert.equal(acknowledged, true);
    await put;
    assert.deepEqual(await storeFiles(dir), ['tenant-a/items/shard-b0-0.json']);
    store = await open();
    assert.equal((await store.partition('tenant-a').get('items', 'late'))?.value, 'saved');
  });

  it('checkpoints by itself once the journal holds checkpointBytes', async () => {
    await store.close();
    store = await openJournalStore({
      dataDir: dir,
      files,
      checkpointBytes: 4096,
      checkpointIntervalMs: 3_600_000,
    });
    const removed = files.hold('remove', (path) => /journal-1\.jsonl$/.test(path));
    const p = store.partition('tenant-a');
    for (let i = 0; i < 20; i++) await p.put('items', `k${i}`, { text: 'x'.repeat(300) });
    await removed.reached; // the checkpoint got as far as removing the journal it folded in
    removed.release();
    assert.ok(files.replaced.some((r) => r.path.endsWith('shard-b0-0.json')));
  });

  it('checkpoints by itself checkpointIntervalMs after a change', async () => {
    await store.close();
    store = await openJournalStore({ dataDir: dir, files, checkpointIntervalMs: 1 });
    const removed = files.hold('remove', (path) => /journal-1\.jsonl$/.test(path));
    await store.partition('tenant-a').put('items', 'one', 1);
    await removed.reached;
    removed.release();
  });

  it('goes on acknowledging writes while checkpoints fail, and loses none of them', async () => {
    await store.close();
    const logged: string[] = [];
    const logger = {
      info: () => undefined,
      error: (_: object, message: string) => void logged.push(message),
    };
    store = await openJournalStore({
      dataDir: dir,
      files,
      logger,
      checkpointBytes: 1024,
      checkpointIntervalMs: 3_600_000,
    });
    files.fail = (step) => (step === 'replace' ? diskError('EIO') : undefined);
    const p = store.partition('tenant-a');
    for (let i = 0; i < 30; i++) await p.put('items', `k${i}`, { text: 'x'.repeat(300) });
    await assert.rejects(store.checkpoint(), { code: 'EIO' });
    assert.ok(logged.includes('store checkpoint failed; the journal is kept'));
    files.fail = undefined;
    await store.close();
    store = await open();
    assert.equal((await store.partition('tenant-a').list('items')).length, 30);
  });

  it('rejects ping when the data folder has gone', async () => {
    await store.ping();
    await removeDir(join(dir, 'store'));
    await assert.rejects(store.ping(), { code: 'ENOENT' });
    await store.close();
    store = await open();
  });
});
