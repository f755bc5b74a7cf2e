// Recovery of the journaled store: checkpoints and reopening keep exactly the acknowledged state,
// whatever instant a crash happens at (a crash is a copy of the data folder taken while the store
// is held at that step), and damage stops start-up naming the file.
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  openJournalStore,
  type JournalStore,
  type JournalStoreOptions,
} from '../../src/store/journal-store.ts';
import { StoreCorruptError } from '../../src/store/store.ts';
import { PartitionedMemoryStore } from '../fakes/partitioned-memory-store.ts';
import { copyAsCrashed, InstrumentedFiles, sortedDump, storeFiles } from './journal-test-files.ts';
import { applyStep, workloadSteps } from './store-workload.ts';
import { diskError, makeTempDir, removeDir } from './test-files.ts';

describe('JournalStore recovery', function () {
  this.timeout(20_000);
  let dirs: string[];
  let stores: JournalStore[];
  let files: InstrumentedFiles;
  let now: number;
  const appendOnly = [{ name: 'audit', retainDays: 30 }];
  const open = async (dataDir: string, options: Partial<JournalStoreOptions> = {}) => {
    const store = await openJournalStore({
      dataDir,
      appendOnly,
      now: () => now,
      files,
      checkpointIntervalMs: 3_600_000,
      checkpointBytes: 1 << 30, // checkpoints only when a test asks
      ...options,
    });
    stores.push(store);
    return store;
  };
  const crashCopy = async (dir: string) => {
    const copy = await copyAsCrashed(dir);
    dirs.push(copy);
    return copy;
  };
  /** Puts `count` records of about `size` bytes into tenant-a/incidents. */
  const fill = async (store: JournalStore, from: number, count: number, size = 200) => {
    const p = store.partition('tenant-a');
    for (let i = from; i < from + count; i += 50) {
      const ops = Array.from({ length: Math.min(50, from + count - i) }, (_, j) => ({
        kind: 'put' as const,
        collection: 'incidents',
        key: `inc-${String(i + j).padStart(5, '0')}`,
        value: { n: i + j, text: 'x'.repeat(size) },
      }));
      await p.batch(ops);
    }
  };
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    dirs = [dir];
    stores = [];
    files = new InstrumentedFiles();
    now = Date.UTC(2026, 11, 2, 12);
  });
  afterEach(async () => {
    files.releaseAll();
    for (const store of stores) await store.close().catch(() => undefined);
    for (const d of dirs) await removeDir(d);
  });

  it('ends in the same records as the memory fake after the same steps, checkpoints and reopens', async () => {
    let store = await open(dir);
    const fake = new PartitionedMemoryStore({ appendOnly, now: () => now });
    for (const [n, step] of workloadSteps(7, 400, () => now).entries()) {
      assert.equal(await applyStep(store, step), await applyStep(fake, step), `step ${n}`);
      if (n % 50 === 49) now += 120_000; // some records expire on the way
      if (n === 150) await store.checkpoint();
      if (n === 250 || n === 330) {
        await store.close();
        store = await open(dir);
      }
    }
    assert.deepEqual(await sortedDump(store), await sortedDump(fake));
    await store.checkpoint();
    await store.close();
    store = await open(dir);
    assert.deepEqual(await sortedDump(store), await sortedDump(fake));
  });

  it('writes only the shard a change falls in at the next checkpoint', async () => {
    const store = await open(dir, { maxShardBytes: 4096 });
    await fill(store, 0, 300);
    await store.checkpoint();
    const shardFiles = (await storeFiles(dir)).filter((f) => f.includes('shard-'));
    assert.ok(shardFiles.length >= 16, `${shardFiles.length} shard files`);
    files.replaced.length = 0;
    files.appends.length = 0;
    await store.partition('tenant-a').put('incidents', 'inc-00007', { n: 7, text: 'changed' });
    assert.equal(files.appends.length, 1);
    assert.ok(files.appends[0]!.bytes < 300, `${files.appends[0]!.bytes} bytes for one record`);
    await store.checkpoint();
    assert.equal(files.replaced.length, 1);
  });

  it('grows the shard layout with the collection, each file bounded, and reopens the same', async () => {
    let store = await open(dir, { maxShardBytes: 4096 });
    await fill(store, 0, 300);
    await store.checkpoint();
    const layouts = async () => {
      const names = (await storeFiles(dir)).filter((f) => f.includes('shard-'));
      return [...new Set(names.map((f) => Number(/shard-b(\d+)-/.exec(f)![1])))];
    };
    const [first, ...others] = await layouts();
    assert.ok(first! >= 4 && others.length === 0, `layouts ${[first, ...others].join(', ')}`);
    await fill(store, 300, 300);
    await store.checkpoint();
    assert.deepEqual(await layouts(), [first! + 1], 'the data doubled: so did the shards');
    for (const { bytes } of files.replaced)
      assert.ok(bytes < 3 * 4096, `a shard file of ${bytes} bytes`);
    const before = await sortedDump(store);
    await store.close();
    store = await open(dir, { maxShardBytes: 4096 });
    assert.deepEqual(await sortedDump(store), before);
    assert.equal(before.length, 600);
  });

  it('recovers from a crash in the middle of a layout growth', async () => {
    const store = await open(dir, { maxShardBytes: 4096 });
    await fill(store, 0, 300);
    await store.checkpoint();
    await fill(store, 300, 300);
    await store.partition('tenant-a').delete('incidents', 'inc-00001');
    let replaced = 0;
    const held = files.hold('replace', () => ++replaced === 6);
    const checkpoint = store.checkpoint();
    await held.reached;
    const copy = await crashCopy(dir);
    const layoutsIn = async (folder: string) => {
      const names = (await storeFiles(folder)).filter((f) => f.includes('shard-'));
      return new Set(names.map((f) => /shard-b(\d+)-/.exec(f)![1])).size;
    };
    assert.equal(await layoutsIn(copy), 2, 'the crash left two layouts');
    const expected = await sortedDump(store);
    held.release();
    await checkpoint;
    const recovered = await open(copy, { maxShardBytes: 4096 });
    assert.deepEqual(await sortedDump(recovered), expected);
    await recovered.checkpoint();
    assert.equal(await layoutsIn(copy), 1);
    assert.deepEqual(await sortedDump(recovered), expected);
  });

  describe('a crash', () => {
    let store: JournalStore;
    beforeEach(async () => {
      store = await open(dir);
      // Journal 1 holds a history in which order matters: replayed over newer files it must
      // still end at the last state (delete, then create again at version 1).
      const p = store.partition('tenant-a');
      await p.put('incidents', 'a', 'a1');
      await p.put('incidents', 'a', 'a2', 1);
      await p.put('incidents', 'b', 'b1');
      await p.delete('incidents', 'b');
      await p.put('incidents', 'b', 'b-again', 0);
      await store.partition('_service').put('settings', 's', { on: true });
      await p.put('audit', '2026-12-02T10:00:00.000Z|x', { n: 1 }, 0);
    });
    const expectRecovered = async (copy: string, expected: unknown) => {
      const recovered = await open(copy);
      assert.deepEqual(await sortedDump(recovered), expected);
      await recovered.checkpoint();
      await recovered.close();
      const again = await open(copy);
      assert.deepEqual(await sortedDump(again), expected);
      const day = join(copy, 'store', 'tenant-a', 'audit', '2026-12-02.jsonl');
      assert.equal(
        (await readFile(day, 'utf8')).trim().split('\n').length,
        1,
        'no audit record twice',
      );
    };

    it('between the journal append and any checkpoint keeps every acknowledged write', async () => {
      const copy = await crashCopy(dir);
      assert.deepEqual(await storeFiles(copy), ['journal-1.jsonl', 'store.lock']);
      await expectRecovered(copy, await sortedDump(store));
    });

    it('after the rotation, with writes in the next journal, keeps both journals', async () => {
      const held = files.hold('replace');
      const checkpoint = store.checkpoint();
      await held.reached;
      await store.partition('tenant-a').put('incidents', 'a', 'a3', 2);
      await store.partition('tenant-a').delete('incidents', 'b');
      const copy = await crashCopy(dir);
      assert.deepEqual(
        (await storeFiles(copy)).filter((f) => f.startsWith('journal')),
        ['journal-1.jsonl', 'journal-2.jsonl'],
      );
      const expected = await sortedDump(store);
      held.release();
      await checkpoint;
      await expectRecovered(copy, expected);
    });

    it('in the middle of a checkpoint, some shard files written, keeps every write', async () => {
      let replaced = 0;
      const held = files.hold('replace', () => ++replaced === 2);
      const checkpoint = store.checkpoint();
      await held.reached;
      const copy = await crashCopy(dir);
      const expected = await sortedDump(store);
      held.release();
      await checkpoint;
      await expectRecovered(copy, expected);
    });

    it('after the files are written but before the journal is removed replays it harmlessly', async () => {
      const held = files.hold('remove', (path) => path.endsWith('journal-1.jsonl'));
      const checkpoint = store.checkpoint();
      await held.reached;
      const copy = await crashCopy(dir);
      assert.ok((await storeFiles(copy)).includes('tenant-a/audit/2026-12-02.jsonl'));
      const expected = await sortedDump(store);
      held.release();
      await checkpoint;
      await expectRecovered(copy, expected);
    });

    it('that tore the last journal line ignores that line and goes on', async () => {
      const expected = await sortedDump(store);
      const copy = await crashCopy(dir);
      await appendFile(
        join(copy, 'store', 'journal-1.jsonl'),
        '{"at":"2026-12-02T12:00:00.000Z","ops":[{"op":"put","p"',
      );
      const recovered = await open(copy);
      assert.deepEqual(await sortedDump(recovered), expected);
      await recovered.partition('tenant-a').put('incidents', 'c', 'after the crash');
      await recovered.close();
      const again = await open(copy);
      assert.equal(
        (await again.partition('tenant-a').get('incidents', 'c'))?.value,
        'after the crash',
      );
    });
  });

  it('stops start-up naming the journal when a line before the last is damaged', async () => {
    const store = await open(dir);
    await store.partition('tenant-a').put('incidents', 'a', 1);
    await store.partition('tenant-a').put('incidents', 'b', 2);
    const copy = await crashCopy(dir);
    const journal = join(copy, 'store', 'journal-1.jsonl');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[0] = lines[0]!.replace('"op":"put"', '"op":"pot"');
    await writeFile(journal, lines.join('\n'));
    await assert.rejects(open(copy), (error: unknown) => {
      assert.ok(error instanceof StoreCorruptError);
      assert.equal(error.code, 'STORE_CORRUPT');
      assert.equal(error.file, journal);
      assert.match(error.message, /journal-1\.jsonl.*line 1/);
      return true;
    });
    assert.equal(await readFile(journal, 'utf8'), lines.join('\n'), 'left untouched');
    await open(copy).catch(() => undefined); // the failed open released its lock
    await assert.rejects(open(copy), StoreCorruptError);
  });

  it('stops start-up naming a damaged shard file and leaves it untouched', async () => {
    let store = await open(dir);
    await store.partition('tenant-a').put('incidents', 'a', 1);
    await store.close();
    const shard = join(dir, 'store', 'tenant-a', 'incidents', 'shard-b0-0.json');
    await writeFile(shard, '{"format":1,"partition":"tenant-a"');
    await assert.rejects(
      open(dir),
      (error: unknown) => error instanceof StoreCorruptError && error.file === shard,
    );
    assert.equal(await readFile(shard, 'utf8'), '{"format":1,"partition":"tenant-a"');
    await writeFile(
      shard,
      '{"format":1,"partition":"tenant-b","collection":"incidents","records":{}}',
    );
    await assert.rejects(open(dir), /tenant-b\/incidents/);
    store = await open(join(dir, 'elsewhere'));
    await store.close();
  });

  it('drops expired records from the files at a checkpoint', async () => {
    const store = await open(dir);
    const p = store.partition('tenant-a');
    await p.put('deliveries', 'old', 1, undefined, {
      expiresAt: new Date(now + 60_000).toISOString(),
    });
    await p.put('deliveries', 'kept', 2);
    await store.checkpoint();
    const shard = join(dir, 'store', 'tenant-a', 'deliveries', 'shard-b0-0.json');
    assert.match(await readFile(shard, 'utf8'), /"old":\{"version":1,"value":1,"expiresAt":"/);
    now += 120_000;
    files.replaced.length = 0;
    await store.checkpoint(); // nothing was written since: the expiry alone makes the shard dirty
    assert.equal(files.replaced.length, 1);
    assert.doesNotMatch(await readFile(shard, 'utf8'), /"old"/);
    assert.deepEqual(
      (await p.list('deliveries')).map((r) => r.key),
      ['kept'],
    );
  });

  it('keeps the journal when a checkpoint fails, and completes it next time', async () => {
    const store = await open(dir);
    await store.partition('tenant-a').put('incidents', 'a', 1);
    await store.partition('tenant-b').put('incidents', 'b', 2);
    files.fail = (step, path) =>
      step === 'replace' && path.includes('tenant-b') ? diskError('EIO') : undefined;
    await assert.rejects(store.checkpoint(), { code: 'EIO' });
    assert.ok((await readdir(join(dir, 'store'))).includes('journal-1.jsonl'));
    const expected = await sortedDump(store);
    const copy = await crashCopy(dir);
    assert.deepEqual(await sortedDump(await open(copy)), expected);
    files.fail = undefined;
    await store.checkpoint();
    assert.deepEqual(
      (await storeFiles(dir)).filter((f) => f.startsWith('journal')),
      [],
    );
    await store.close();
    assert.deepEqual(await sortedDump(await open(dir)), expected);
  });
});
