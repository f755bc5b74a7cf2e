import assert from 'node:assert/strict';
import { openStore } from '../../src/app/open-store.ts';
import { loadConfig } from '../../src/config.ts';
import { FlatStore } from '../../src/store/flat-store.ts';
import {
  assertNotRouted,
  MAIN_MOVED,
  MIGRATIONS_COLLECTION,
  moveMainToTenants,
  StoreRoutedError,
} from '../../src/store/move-main-to-tenants.ts';
import { PartitionIndex } from '../../src/store/partition-index.ts';
import { PartitionRouter } from '../../src/store/partition-router.ts';
import type { DumpableStore } from '../../src/store/partitioned-store.ts';
import { tenantField } from '../../src/store/tenant-key-rule.ts';
import { PartitionedMemoryStore } from '../fakes/partitioned-memory-store.ts';
import { makeTempDir, removeDir } from './test-files.ts';

const router = new PartitionRouter([
  { collection: 'things', tenantOf: tenantField(0) },
  { collection: 'audit', tenantOf: tenantField(1, { separator: '~', last: true }) },
]);

async function mainWith(engine: DumpableStore, records: [string, string, unknown][]) {
  const main = engine.partition('main');
  for (const [collection, key, value] of records) await main.put(collection, key, value);
}

function move(engine: DumpableStore, appendOnly: string[] = []) {
  return moveMainToTenants(engine, { router, index: new PartitionIndex(engine), appendOnly });
}

/** Each call waits a turn of the event loop first, so two movers really interleave. */
function interleaved(engine: DumpableStore): DumpableStore {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    partition(id) {
      const p = engine.partition(id);
      return {
        partition: p.partition,
        get: async (c, k) => (await turn(), p.get(c, k)),
        list: async (c, o) => (await turn(), p.list(c, o)),
        put: async (c, k, v, e, o) => (await turn(), p.put(c, k, v, e, o)),
        delete: async (c, k, e) => (await turn(), p.delete(c, k, e)),
        batch: async (ops) => (await turn(), p.batch(ops)),
      };
    },
    ping: () => engine.ping(),
    close: () => engine.close(),
    load: (records) => engine.load(records),
    dump: () => engine.dump(),
  };
}

describe('moveMainToTenants', () => {
  it('moves every record of main to its partition, then skips the scan on later opens', async () => {
    const engine = new PartitionedMemoryStore();
    await mainWith(engine, [
      ['things', 'a:1', 'a1'],
      ['things', 'b:1', 'b1'],
      ['things', 'legacy', 'l'],
      ['conversations', 'x', 'x'],
    ]);
    const report = await move(engine);
    assert.deepEqual(report, { moved: 4, present: 0, changed: 0, skipped: false });
    assert.deepEqual(await engine.partition('main').list('things'), []);
    assert.equal((await engine.partition('a').get('things', 'a:1'))?.value, 'a1');
    assert.equal((await engine.partition('_service').get('things', 'legacy'))?.value, 'l');
    assert.equal((await engine.partition('_service').get('conversations', 'x'))?.value, 'x');
    assert.ok(await engine.partition('_service').get(MIGRATIONS_COLLECTION, MAIN_MOVED));
    // The routed store finds the moved records in every partition through the index.
    const store = new FlatStore(engine, { router });
    assert.deepEqual(
      (await store.list('things')).map((r) => r.key),
      ['a:1', 'b:1', 'legacy'],
    );
    assert.equal((await move(engine)).skipped, true);
  });

  it('never overwrites a record already in its partition, and still empties main', async () => {
    const engine = new PartitionedMemoryStore();
    await mainWith(engine, [['things', 'a:1', 'old']]);
    await engine.partition('a').put('things', 'a:1', 'newer');
    const report = await move(engine);
    assert.equal(report.present, 1);
    assert.equal((await engine.partition('a').get('things', 'a:1'))?.value, 'newer');
    assert.equal(await engine.partition('main').get('things', 'a:1'), undefined);
  });

  it('moves each record once when two instances open at the same time', async () => {
    const engine = new PartitionedMemoryStore();
    const records: [string, string, unknown][] = Array.from({ length: 60 }, (_, i) => [
      'things',
      `${['a', 'b', 'c'][i % 3]}:${i}`,
      i,
    ]);
    await mainWith(engine, records);
    const [one, two] = await Promise.all([move(interleaved(engine)), move(interleaved(engine))]);
    assert.equal(one.moved + two.moved, 60);
    assert.equal(one.moved + one.present, 60);
    assert.equal(two.moved + two.present, 60);
    assert.equal(one.changed + two.changed, 0);
    assert.deepEqual(await engine.partition('main').list('things'), []);
    for (const tenant of ['a', 'b', 'c']) {
      const moved = await engine.partition(tenant).list<number>('things');
      assert.equal(moved.length, 20);
      assert.ok(moved.every((r) => r.version === 1));
    }
  });

  it('leaves a record changed in main during the move for the next run, which moves it', async () => {
    const engine = new PartitionedMemoryStore();
    await mainWith(engine, [['things', 'a:1', 'old']]);
    // A writer still on main changes the record after the scan read it.
    const racing: DumpableStore = {
      partition: (id) => engine.partition(id),
      ping: () => engine.ping(),
      close: () => engine.close(),
      load: (records) => engine.load(records),
      async *dump() {
        yield* engine.dump();
        await engine.partition('main').put('things', 'a:1', 'newer');
      },
    };
    const first = await move(racing);
    assert.equal(first.changed, 1);
    assert.equal(await engine.partition('a').get('things', 'a:1'), undefined);
    assert.equal(
      await engine.partition('_service').get(MIGRATIONS_COLLECTION, MAIN_MOVED),
      undefined,
    );
    const second = await move(engine);
    assert.deepEqual(second, { moved: 1, present: 0, changed: 0, skipped: false });
    assert.equal((await engine.partition('a').get('things', 'a:1'))?.value, 'newer');
  });

  it('copies append-only entries and leaves them in main (their day logs cannot delete)', async () => {
    const engine = new PartitionedMemoryStore();
    await mainWith(engine, [['audit', '2026-12-01T00:00:00.000Z~a', 'e']]);
    await move(engine, ['audit']);
    assert.equal(
      (await engine.partition('a').get('audit', '2026-12-01T00:00:00.000Z~a'))?.value,
      'e',
    );
    assert.ok(await engine.partition('main').get('audit', '2026-12-01T00:00:00.000Z~a'));
  });
});

describe('openStore with STORE_PARTITIONS=tenant (the default)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('moves what a single-partition store wrote into the tenants’ partitions at open', async () => {
    const T = '6f1c2b4e-0000-4000-8000-00000000000a';
    const single = await openStore(loadConfig({ DATA_DIR: dir, STORE_PARTITIONS: 'single' }));
    await single.batch([
      { kind: 'put', collection: 'managedResponses', key: `${T}:7`, value: { incidentId: '7' } },
      { kind: 'put', collection: 'watermarks', key: T, value: { at: 1 } },
      { kind: 'put', collection: 'conversations', key: 'a:1', value: { tenantId: T } },
    ]);
    await single.close();
    const routed = await openStore(loadConfig({ DATA_DIR: dir, STORE_PARTITIONS: 'tenant' }));
    assert.equal(routed.routed, true);
    assert.deepEqual((await routed.get('managedResponses', `${T}:7`))?.value, { incidentId: '7' });
    assert.deepEqual(
      (await routed.list('watermarks')).map((r) => r.key),
      [T],
    );
    assert.equal((await routed.engine.partition(T).get('watermarks', T))?.version, 1);
    assert.equal(await routed.engine.partition('main').get('watermarks', T), undefined);
    assert.ok(await routed.engine.partition('_service').get('conversations', 'a:1'));
    await routed.close();
  });
});

describe('assertNotRouted', () => {
  it('lets an unrouted open through on a new store and on one with records in main only', async () => {
    const engine = new PartitionedMemoryStore();
    await assertNotRouted(engine, 'here');
    await mainWith(engine, [['things', 'a:1', 'a1']]);
    await assertNotRouted(engine, 'here');
  });

  it('refuses a store that a routed open has moved, or written to', async () => {
    const moved = new PartitionedMemoryStore();
    await mainWith(moved, [['things', 'a:1', 'a1']]);
    await move(moved);
    await assert.rejects(assertNotRouted(moved, 'under ./data'), (error: unknown) => {
      assert.ok(error instanceof StoreRoutedError);
      assert.equal(error.code, 'STORE_ROUTED');
      assert.match(error.message, /store under \.\/data .*STORE_PARTITIONS=tenant/);
      return true;
    });
    // A routed write records its partition before the move's marker exists (or without one).
    const written = new PartitionedMemoryStore();
    await new FlatStore(written, { router }).put('things', 'b:1', 'b1');
    await assert.rejects(assertNotRouted(written, 'here'), StoreRoutedError);
  });
});

describe('openStore with STORE_PARTITIONS=single on a routed store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('is refused, changing nothing, and the store opens routed again', async () => {
    const T = '6f1c2b4e-0000-4000-8000-00000000000a';
    const routed = await openStore(loadConfig({ DATA_DIR: dir }));
    await routed.put('watermarks', T, { at: 1 });
    await routed.close();
    await assert.rejects(
      openStore(loadConfig({ DATA_DIR: dir, STORE_PARTITIONS: 'single' })),
      StoreRoutedError,
    );
    const again = await openStore(loadConfig({ DATA_DIR: dir }));
    assert.deepEqual((await again.get('watermarks', T))?.value, { at: 1 });
    assert.equal((await again.engine.partition('main').list('watermarks')).length, 0);
    await again.close();
  });
});
