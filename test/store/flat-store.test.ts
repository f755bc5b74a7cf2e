import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../../src/app/open-store.ts';
import { retentionByCollection } from '../../src/app/retention.ts';
import { loadConfig } from '../../src/config.ts';
import { FlatStore } from '../../src/store/flat-store.ts';
import { openJournalStore } from '../../src/store/journal-store.ts';
import { PartitionRouter } from '../../src/store/partition-router.ts';
import { tenantField } from '../../src/store/tenant-key-rule.ts';
import { OUTBOX_CONSUMED_COLLECTION, OUTBOX_IDS_COLLECTION } from '../../src/watcher/outbox.ts';
import { PartitionedMemoryStore } from '../fakes/partitioned-memory-store.ts';
import { describeStoreContract } from './store-contract.ts';
import { makeTempDir, removeDir } from './test-files.ts';

const DAY = 24 * 60 * 60 * 1000;

describeStoreContract('FlatStore on the journaled lowdb engine', async () => {
  const dir = await makeTempDir();
  const engine = await openJournalStore({ dataDir: dir, maxBatchOps: 10_000 });
  return { store: new FlatStore(engine), cleanup: () => removeDir(dir) };
});

// The contract's records name no tenant (keys such as 't1', 'e1' in one batch): all in _service.
describeStoreContract('FlatStore routed per tenant (STORE_PARTITIONS=tenant)', () =>
  Promise.resolve({
    store: new FlatStore(new PartitionedMemoryStore(), { router: new PartitionRouter([]) }),
  }),
);

describe('FlatStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('gives readers copies they may change without changing the store', async () => {
    const store = new FlatStore(await openJournalStore({ dataDir: dir }));
    await store.put('incidents', 'a', { tags: ['x'] });
    const read = await store.get<{ tags: string[] }>('incidents', 'a');
    read!.value.tags.push('changed');
    const [listed] = await store.list<{ tags: string[] }>('incidents');
    listed!.value.tags.push('changed too');
    assert.deepEqual((await store.get('incidents', 'a'))!.value, { tags: ['x'] });
    await store.close();
  });

  it('drops a retained collection’s record its days after the last write, and keeps the rest', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    const engine = await openJournalStore({ dataDir: dir, now: clock });
    const store = new FlatStore(engine, { retentionDays: { deliveries: 30 }, now: clock });
    await store.put('deliveries', 'old', { n: 1 });
    await store.batch([
      { kind: 'put', collection: 'deliveries', key: 'rewritten', value: 1 },
      { kind: 'put', collection: 'incidents', key: 'open', value: { status: 'active' } },
    ]);
    now += 20 * DAY;
    await store.put('deliveries', 'rewritten', 2, 1); // a write restarts the record's 30 days
    now += 11 * DAY;
    assert.equal(await store.get('deliveries', 'old'), undefined);
    assert.deepEqual(
      (await store.list('deliveries')).map((r) => r.key),
      ['rewritten'],
    );
    assert.deepEqual((await store.get('incidents', 'open'))!.value, { status: 'active' });
    // A create over an expired record starts again at version 1.
    assert.equal((await store.put('deliveries', 'old', { n: 2 }, 0)).version, 1);
    await store.close();
  });

  it('prunes the bookkeeping the app names, consumed legacy outbox markers included', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    const engine = await openJournalStore({ dataDir: dir, now: clock });
    const retentionDays = retentionByCollection({ retentionDays: 30, auditRetentionDays: 400 });
    const store = new FlatStore(engine, { retentionDays, now: clock });
    await store.put(OUTBOX_CONSUMED_COLLECTION, 't1:0000000000000042', { seq: 42, version: 1 });
    await store.put(OUTBOX_IDS_COLLECTION, 't1:event-42', 42);
    now += 29 * DAY;
    assert.ok(await store.get(OUTBOX_CONSUMED_COLLECTION, 't1:0000000000000042'));
    now += 2 * DAY;
    assert.deepEqual(await store.list(OUTBOX_CONSUMED_COLLECTION), []);
    assert.deepEqual(await store.list(OUTBOX_IDS_COLLECTION), []);
    await store.close();
  });

  it('keeps a batch of thousands of ops atomic on lowdb (a first poll of a large tenant)', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    const store = await openStore(config);
    const ops = Array.from({ length: 3000 }, (_, i) => ({
      kind: 'put' as const,
      collection: 'incidentSnapshots',
      key: `t:${i}`,
      value: { i },
    }));
    await store
      .batch([
        ...ops,
        { kind: 'put', collection: 'watermarks', key: 't', value: 1, expectedVersion: 5 },
      ])
      .then(
        () => assert.fail('the conflicting batch must be refused'),
        (error: Error) => assert.equal(error.name, 'StoreConflictError'),
      );
    assert.equal((await store.list('incidentSnapshots')).length, 0);
    await store.batch(ops);
    assert.equal((await store.list('incidentSnapshots')).length, 3000);
    await store.close();
  });

  it('migrates a one-file store.json on first open, versions kept, and keeps it as a backup (single)', async () => {
    await writeFile(
      join(dir, 'store.json'),
      JSON.stringify({
        schemaVersion: 2,
        collections: {
          managedResponses: { 'contoso:1': { version: 3, value: { incidentId: '1' } } },
          outbox: { '0000000001': { version: 1, value: { type: 'x' } } },
        },
      }),
    );
    // Routed (the default), the move into the partitions starts the versions again at 1.
    const config = loadConfig({ DATA_DIR: dir, STORE_PARTITIONS: 'single' });
    const store = await openStore(config);
    const record = await store.get('managedResponses', 'contoso:1');
    assert.deepEqual(record, { key: 'contoso:1', version: 3, value: { incidentId: '1' } });
    assert.equal((await store.list('outbox')).length, 1);
    await store.close();
    await assert.rejects(access(join(dir, 'store.json')), /ENOENT/);
    const reopened = await openStore(config);
    assert.equal((await reopened.get('managedResponses', 'contoso:1'))!.version, 3);
    await reopened.close();
  });
});

describe('FlatStore with a partition per tenant', () => {
  const A = 'tenant-a';
  const B = 'tenant-b';
  const router = new PartitionRouter([
    { collection: 'things', tenantOf: tenantField(0) },
    { collection: 'other', tenantOf: tenantField(0) },
  ]);
  let engine: PartitionedMemoryStore;
  let store: FlatStore;
  beforeEach(() => {
    engine = new PartitionedMemoryStore();
    store = new FlatStore(engine, { router });
  });

  it('writes each record to its tenant’s partition, and one of no tenant to _service', async () => {
    await store.put('things', `${A}:1`, 'a1');
    await store.batch([
      { kind: 'put', collection: 'things', key: `${B}:1`, value: 'b1' },
      { kind: 'put', collection: 'other', key: `${B}:x`, value: 'bx' },
    ]);
    await store.put('things', 'legacy', 'l');
    assert.equal((await engine.partition(A).get('things', `${A}:1`))?.value, 'a1');
    assert.equal((await engine.partition(B).get('other', `${B}:x`))?.value, 'bx');
    assert.equal((await engine.partition('_service').get('things', 'legacy'))?.value, 'l');
    assert.equal(await engine.partition('main').get('things', `${A}:1`), undefined);
    assert.equal((await store.get('things', `${B}:1`))?.value, 'b1');
    assert.equal(await store.delete('things', `${A}:1`), true);
    assert.equal(await engine.partition(A).get('things', `${A}:1`), undefined);
  });

  it('lists one partition for a tenant’s prefix, and every partition in key order otherwise', async () => {
    await store.put('things', `${B}:2`, 'b2');
    await store.put('things', `${A}:1`, 'a1');
    await store.put('things', 'legacy', 'l');
    await store.put('things', `${B}:1`, 'b1');
    assert.deepEqual(
      (await store.list('things')).map((r) => r.key),
      ['legacy', `${A}:1`, `${B}:1`, `${B}:2`],
    );
    assert.deepEqual(
      (await store.list('things', { prefix: `${B}:` })).map((r) => r.value),
      ['b1', 'b2'],
    );
    assert.deepEqual((await store.list('things', { prefix: 'tenant-' })).length, 3);
    // Another instance (a second FlatStore on the same engine) finds the same partitions.
    const other = new FlatStore(engine, { router });
    assert.equal((await other.list('things')).length, 4);
  });

  it('refuses a batch over two partitions and writes none of it', async () => {
    await assert.rejects(
      store.batch([
        { kind: 'put', collection: 'things', key: `${A}:1`, value: 1 },
        { kind: 'put', collection: 'things', key: `${B}:1`, value: 1 },
      ]),
      TypeError,
    );
    assert.deepEqual(await store.list('things'), []);
  });

  it('keeps every record in main without a router (STORE_PARTITIONS=single)', async () => {
    const single = new FlatStore(engine);
    await single.batch([
      { kind: 'put', collection: 'things', key: `${A}:1`, value: 1 },
      { kind: 'put', collection: 'things', key: `${B}:1`, value: 1 },
    ]);
    assert.equal((await engine.partition('main').list('things')).length, 2);
    assert.equal(await engine.partition(A).get('things', `${A}:1`), undefined);
  });
});
