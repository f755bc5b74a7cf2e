import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openEmbeddedStore, openStore } from '../../src/app/open-store.ts';
import { partitionRouter } from '../../src/app/partition-rules.ts';
import { appendOnlyCollections } from '../../src/app/retention.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_TENANT_ID, FABRIKAM_TENANT_ID } from '../../src/emulator/demo-data.ts';
import { AuditTrail, AUDIT_COLLECTION } from '../../src/features/managed-response/audit-trail.ts';
import { FLAT_PARTITION, type FlatStore } from '../../src/store/flat-store.ts';
import {
  MAX_BATCH_OPS,
  SERVICE_PARTITION,
  type DumpableStore,
  type DumpedRecord,
} from '../../src/store/partitioned-store.ts';
import type { WriteOp } from '../../src/store/store.ts';
import type { JournalStore } from '../../src/store/journal-store.ts';
import { encodeName } from '../../src/store/name-encoding.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';
import { startInProcessApp } from '../fakes/in-process-app.ts';
import { makeTempDir, removeDir } from '../store/test-files.ts';

describe('openStore (embedded)', () => {
  let dir: string;
  beforeEach(async () => (dir = await makeTempDir()));
  afterEach(() => removeDir(dir));

  it('keeps the managed-response audit trail as daily append-only logs', async () => {
    const store = await openEmbeddedStore(dir);
    const at = '2026-12-02T10:00:00.000Z';
    const audit = new AuditTrail(store, () => new Date(at));
    await audit.append({
      kind: 'attempt',
      actor: { userId: 'u1', name: 'Alex', via: 'teams' },
      tenantId: 't1',
      incidentId: '1',
      operation: 'runAction',
      result: 'started',
    });
    await (store.engine as JournalStore).checkpoint();
    // Routed (STORE_PARTITIONS=tenant), the entry is in its tenant's partition; else in main.
    const partition = store.routed ? 't1' : FLAT_PARTITION;
    const folder = join(dir, 'store', encodeName(partition), encodeName(AUDIT_COLLECTION));
    assert.deepEqual(await readdir(folder), ['2026-12-02.jsonl']);
    assert.equal((await audit.list({ tenantId: 't1' }))[0]?.operation, 'runAction');
    await store.close();
  });

  const puts = (count: number): WriteOp[] =>
    Array.from({ length: count }, (_, i) => ({
      kind: 'put',
      collection: 'things',
      key: `k${i}`,
      value: i,
    }));

  it('refuses a batch over 100 ops, writing nothing, when strict (as Azure Tables does)', async () => {
    const store = await openEmbeddedStore(dir, undefined, true);
    await assert.rejects(store.batch(puts(MAX_BATCH_OPS + 1)), /at most 100 ops, got 101/);
    assert.deepEqual(await store.list('things'), []);
    await store.batch(puts(MAX_BATCH_OPS));
    assert.equal((await store.list('things')).length, MAX_BATCH_OPS);
    await store.close();
  });

  it('takes a batch of any size when not strict (a journal line is atomic)', async () => {
    const store = await openEmbeddedStore(dir, undefined, false);
    await store.batch(puts(MAX_BATCH_OPS + 1));
    assert.equal((await store.list('things')).length, MAX_BATCH_OPS + 1);
    await store.close();
  });
});

// A store written before the default became a partition per tenant: what the app leaves after
// its first polls (STORE_PARTITIONS=single), plus an audit entry (on lowdb a daily append-only
// log). Opened with the default, every record must be in its tenant's partition (or _service)
// with its value and expiry, and the app must carry on from it.
describe('a store written with STORE_PARTITIONS=single, opened with the default', function () {
  this.timeout(60_000);
  const azurite = useAzurite();
  const router = partitionRouter();
  const appendOnly = appendOnlyCollections({ retentionDays: 30, auditRetentionDays: 400 }).map(
    (c) => c.name,
  );
  let dataDir: string;
  let written: DumpedRecord[];

  before(async () => {
    const app = await startInProcessApp({ STORE_PARTITIONS: 'single' });
    dataDir = app.dataDir;
    await until(() => polls(app.logs).length >= 2);
    await app.close();
    const single = await openStore(loadConfig({ DATA_DIR: dataDir, STORE_PARTITIONS: 'single' }));
    await new AuditTrail(single, () => new Date()).append({
      kind: 'attempt',
      actor: { userId: 'u1', name: 'Alex', via: 'teams' },
      tenantId: DEMO_TENANT_ID,
      incidentId: '1',
      operation: 'runAction',
      result: 'started',
    });
    written = await dumpOf(single);
    await single.close();
    const collections = new Set(written.map((r) => r.collection));
    assert.ok(collections.size >= 6, `only ${[...collections].join(', ')} written`);
    assert.ok(written.every((r) => r.partition === FLAT_PARTITION));
  });
  after(() => removeDir(dataDir));

  /** Each record is in its partition with its value (and expiry); main holds only `kept`. */
  async function assertMoved(
    store: FlatStore,
    records: readonly DumpedRecord[],
    kept: readonly string[],
  ) {
    assert.equal(store.routed, true);
    const after = await dumpOf(store);
    const at = new Map(after.map((r) => [`${r.partition}|${r.collection}|${r.key}`, r]));
    const tenants = new Set<string>();
    for (const r of records) {
      const partition = router.partitionOf(r.collection, r.key);
      if (partition !== SERVICE_PARTITION) tenants.add(partition);
      const moved = at.get(`${partition}|${r.collection}|${r.key}`);
      assert.ok(moved, `${r.collection}/${r.key} is not in ${partition}`);
      assert.deepEqual(moved.value, r.value);
      // Append-only day logs expire by day; every other record keeps the expiry it had.
      if (!kept.includes(r.collection)) assert.equal(moved.expiresAt, r.expiresAt);
      const read = (await store.list(r.collection)).find((x) => x.key === r.key);
      assert.deepEqual(read?.value, r.value, `${r.collection}/${r.key} through the flat port`);
    }
    assert.deepEqual([...tenants].sort(), [FABRIKAM_TENANT_ID, DEMO_TENANT_ID].sort());
    const leftInMain = after.filter((r) => r.partition === FLAT_PARTITION);
    assert.deepEqual(
      leftInMain.filter((r) => !kept.includes(r.collection)),
      [],
      'only append-only logs stay in main',
    );
  }

  it('on lowdb: each tenant gets its folder, and the app resumes from its watermarks', async () => {
    const store = await openStore(loadConfig({ DATA_DIR: dataDir }));
    await assertMoved(store, written, appendOnly);
    await store.close();
    const folders = await readdir(join(dataDir, 'store'));
    for (const id of [DEMO_TENANT_ID, FABRIKAM_TENANT_ID, SERVICE_PARTITION]) {
      assert.ok(folders.includes(encodeName(id)), `no folder for ${id}: ${folders.join(', ')}`);
    }
    // Restarted on the moved store, the first polls find the snapshots and watermarks: nothing
    // is notified again (on an empty store they write the 4 events of the demo incidents). Its
    // layout is the one the store now has, whatever STORE_PARTITIONS the tests run with.
    const again = await startInProcessApp({ DATA_DIR: dataDir, STORE_PARTITIONS: 'tenant' });
    try {
      await until(() => polls(again.logs).length >= 2);
      for (const line of polls(again.logs)) assert.match(line, / 0 event\(s\) written$/);
    } finally {
      await again.dispose();
    }
  });

  it('on Azure Tables: the main partition becomes a PartitionKey per tenant', async () => {
    const env = {
      DATA_DIR: dataDir,
      STORE: 'tables',
      AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString,
      AZURE_STORAGE_TABLE: uniqueName('single'),
    };
    const single = await openStore(loadConfig({ ...env, STORE_PARTITIONS: 'single' }));
    assert.equal(await (single.engine as DumpableStore).load(written), written.length);
    await single.close();
    const store = await openStore(loadConfig(env));
    await assertMoved(store, written, []);
    await store.close();
  });

  it('from a legacy store.json: its records land in their tenants’ partitions', async () => {
    const dir = await makeTempDir();
    try {
      const collections: Record<string, Record<string, { version: number; value: unknown }>> = {};
      for (const r of written) {
        (collections[r.collection] ??= {})[r.key] = { version: r.version, value: r.value };
      }
      await writeFile(join(dir, 'store.json'), JSON.stringify({ schemaVersion: 2, collections }));
      const store = await openStore(loadConfig({ DATA_DIR: dir }));
      const withoutExpiry = written.map(({ expiresAt: _, ...r }) => r); // store.json has none
      await assertMoved(store, withoutExpiry, appendOnly);
      await store.close();
      assert.ok((await readdir(dir)).some((f) => f.startsWith('store.json.migrated-')));
    } finally {
      await removeDir(dir);
    }
  });
});

function polls(logs: Record<string, unknown>[]): string[] {
  return logs.map((l) => String(l.msg)).filter((m) => m.startsWith('incident poll of'));
}

async function until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function dumpOf(store: FlatStore): Promise<DumpedRecord[]> {
  const records: DumpedRecord[] = [];
  for await (const r of (store.engine as DumpableStore).dump()) records.push(r);
  return records;
}
