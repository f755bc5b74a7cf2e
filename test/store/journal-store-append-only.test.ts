// Append-only collections of the journaled store: daily JSON-lines logs written at checkpoints,
// read back merged with what is not checkpointed yet, dropped by whole days after retention.
import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openJournalStore, type JournalStore } from '../../src/store/journal-store.ts';
import { copyAsCrashed, InstrumentedFiles, sortedDump, storeFiles } from './journal-test-files.ts';
import { makeTempDir, removeDir } from './test-files.ts';

const DAY = 86_400_000;

describe('JournalStore append-only collections', () => {
  let dirs: string[];
  let stores: JournalStore[];
  let files: InstrumentedFiles;
  let now: number;
  const open = async (dataDir: string) => {
    const store = await openJournalStore({
      dataDir,
      appendOnly: [{ name: 'audit', retainDays: 10 }, { name: 'tenantAudit' }],
      now: () => now,
      files,
      checkpointIntervalMs: 3_600_000,
    });
    stores.push(store);
    return store;
  };
  const at = (daysAgo: number, id: string) =>
    `${new Date(now - daysAgo * DAY).toISOString()}|${id}`;
  const lines = async (path: string) => (await readFile(path, 'utf8')).trim().split('\n');
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

  it('writes daily logs at a checkpoint and reads them back in key order', async () => {
    const store = await open(dir);
    const p = store.partition('72f988bf-86f1-41af-91ab-2d7cd011db47');
    await p.put('audit', at(0, 'b'), { n: 2 }, 0);
    await p.put('audit', at(0, 'a'), { n: 1 });
    await p.put('audit', at(1, 'c'), { n: 3 }, 0);
    await store.partition('_service').put('tenantAudit', at(0, 'd'), { n: 4 }, 0);
    const expected = ['c', 'a', 'b'];
    assert.deepEqual(
      (await p.list('audit')).map((r) => r.key.split('|')[1]),
      expected,
    );
    await store.checkpoint();
    assert.deepEqual(await storeFiles(dir), [
      '72f988bf-86f1-41af-91ab-2d7cd011db47/audit/2026-12-01.jsonl',
      '72f988bf-86f1-41af-91ab-2d7cd011db47/audit/2026-12-02.jsonl',
      '_service/tenant^audit/2026-12-02.jsonl',
      'store.lock',
    ]);
    const today = join(
      dir,
      'store',
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
      'audit',
      '2026-12-02.jsonl',
    );
    assert.deepEqual(await lines(today), [
      `{"k":"${at(0, 'b')}","value":{"n":2}}`,
      `{"k":"${at(0, 'a')}","value":{"n":1}}`,
    ]);
    // Read from the logs now: the same answers.
    assert.deepEqual(
      (await p.list('audit')).map((r) => r.key.split('|')[1]),
      expected,
    );
    assert.deepEqual(
      (await p.list('audit', { limit: 2 })).map((r) => r.key.split('|')[1]),
      ['c', 'a'],
    );
    assert.deepEqual(
      (await p.list('audit', { after: at(0, 'a') })).map((r) => r.key.split('|')[1]),
      ['b'],
    );
    assert.deepEqual(await p.get('audit', at(1, 'c')), {
      key: at(1, 'c'),
      version: 1,
      value: { n: 3 },
    });
    const record = await p.get<{ n: number }>('audit', at(0, 'a'));
    assert.throws(() => (record!.value.n = 9), TypeError);
    // The next day's records go to the same log as they arrive, appended, not rewritten.
    await p.put('audit', at(0, 'e'), { n: 5 }, 0);
    await store.checkpoint();
    assert.equal((await lines(today)).length, 3);
  });

  it('removes whole days past retention at a checkpoint', async () => {
    const store = await open(dir);
    const p = store.partition('tenant-a');
    await p.put('audit', at(9, 'old'), 1, 0);
    await p.put('audit', at(1, 'recent'), 2, 0);
    await store.checkpoint();
    assert.equal((await storeFiles(dir)).filter((f) => f.startsWith('tenant-a/audit/')).length, 2);
    now += 2 * DAY;
    assert.deepEqual(
      (await p.list('audit')).map((r) => r.key),
      [at(3, 'recent')],
    );
    assert.equal(await p.get('audit', at(11, 'old')), undefined);
    await store.checkpoint();
    assert.deepEqual(
      (await storeFiles(dir)).filter((f) => f.startsWith('tenant-a/audit/')),
      [`tenant-a/audit/${new Date(now - 3 * DAY).toISOString().slice(0, 10)}.jsonl`],
    );
  });

  it('appends no record twice when a crash repeats a checkpoint', async () => {
    const store = await open(dir);
    const p = store.partition('tenant-a');
    await p.batch([
      { kind: 'put', collection: 'audit', key: at(0, 'a'), value: 1, expectedVersion: 0 },
      { kind: 'put', collection: 'incidents', key: 'i1', value: 'with its audit' },
    ]);
    const held = files.hold('remove', (path) => path.endsWith('journal-1.jsonl'));
    const checkpoint = store.checkpoint();
    await held.reached;
    const copy = await copyAsCrashed(dir);
    dirs.push(copy);
    held.release();
    await checkpoint;
    // The copy holds the day log and the journal that produced it: replaying must not repeat it.
    const recovered = await open(copy);
    await recovered.partition('tenant-a').put('audit', at(0, 'b'), 2, 0);
    await recovered.checkpoint();
    const log = join(copy, 'store', 'tenant-a', 'audit', '2026-12-02.jsonl');
    assert.deepEqual(
      (await lines(log)).map((line) => (JSON.parse(line) as { k: string }).k),
      [at(0, 'a'), at(0, 'b')],
    );
  });

  it('cuts a torn line off a daily log before appending to it', async () => {
    let store = await open(dir);
    const p = store.partition('tenant-a');
    await p.put('audit', at(0, 'a'), 1, 0);
    await store.close();
    const log = join(dir, 'store', 'tenant-a', 'audit', '2026-12-02.jsonl');
    await appendFile(log, '{"k":"2026-12-02T');
    store = await open(dir);
    assert.equal((await store.partition('tenant-a').list('audit')).length, 1);
    await store.partition('tenant-a').put('audit', at(0, 'b'), 2, 0);
    await store.checkpoint();
    assert.equal((await lines(log)).length, 2);
    assert.equal((await store.partition('tenant-a').list('audit')).length, 2);
  });

  it('dumps and loads append-only records with the rest', async () => {
    const store = await open(dir);
    await store.partition('tenant-a').put('audit', at(0, 'a'), { n: 1 }, 0);
    await store.partition('tenant-a').put('incidents', 'i', { n: 2 });
    await store.checkpoint();
    await store.partition('tenant-b').put('audit', at(2, 'b'), { n: 3 }, 0);
    const dumped = await sortedDump(store);
    assert.deepEqual(
      dumped.map((r) => [r.partition, r.collection, r.version]),
      [
        ['tenant-a', 'audit', 1],
        ['tenant-a', 'incidents', 1],
        ['tenant-b', 'audit', 1],
      ],
    );
    const other = await makeTempDir();
    dirs.push(other);
    const copy = await open(other);
    assert.equal(await copy.load(dumped), 3);
    await copy.checkpoint();
    assert.equal(await copy.load(dumped), 3, 'loading again (an interrupted copy) repeats nothing');
    await copy.checkpoint();
    assert.deepEqual(await sortedDump(copy), dumped);
    const log = join(other, 'store', 'tenant-a', 'audit', '2026-12-02.jsonl');
    assert.equal((await lines(log)).length, 1);
  });

  it('moves the records of a collection made append-only from its shard files to daily logs', async () => {
    // Written while "audit" was a regular collection (lowdb shard files), then reopened with it
    // append-only, as an existing DATA_DIR is on upgrade.
    const before = await openJournalStore({ dataDir: dir, now: () => now, files });
    const old = before.partition('tenant-a');
    await old.put('audit', at(1, 'a'), { n: 1 }, 0);
    await old.put('audit', at(0, 'b'), { n: 2 }, 0);
    await old.put('audit', 'no-date-key', { n: 3 }, 0);
    await old.put('incidents', 'i1', { title: 'kept as it is' }, 0);
    await before.checkpoint();
    await before.close();
    assert.ok((await storeFiles(dir)).some((f) => f.startsWith('tenant-a/audit/shard-')));

    const store = await open(dir);
    const p = store.partition('tenant-a');
    assert.deepEqual(
      (await p.list('audit')).map((r) => [r.key.split('|')[1], r.value]),
      [
        ['a', { n: 1 }],
        ['b', { n: 2 }],
      ],
    );
    await p.put('audit', at(0, 'c'), { n: 4 }, 0);
    assert.deepEqual((await p.get('incidents', 'i1'))?.value, { title: 'kept as it is' });
    await store.checkpoint();
    await store.close();
    const folder = (await storeFiles(dir)).filter((f) => f.startsWith('tenant-a/audit/'));
    assert.ok(folder.includes('tenant-a/audit/2026-12-01.jsonl'), folder.join(', '));
    assert.ok(folder.includes('tenant-a/audit/2026-12-02.jsonl'), folder.join(', '));
    const today = join(dir, 'store', 'tenant-a', 'audit', '2026-12-02.jsonl');
    assert.equal((await lines(today)).length, 2, 'b and c, each once');

    // Once moved, a reopen finds nothing left to move and reads the same records.
    const again = await open(dir);
    assert.deepEqual(
      (await again.partition('tenant-a').list('audit')).map((r) => r.key.split('|')[1]),
      ['a', 'b', 'c'],
    );
    await again.checkpoint();
    assert.equal((await lines(today)).length, 2);
  });
});
