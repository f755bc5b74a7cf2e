// The Azure Tables engine beyond the port's contract: the mapping to entities, the service's
// limits, ETag conflicts between instances, retention, dump and load. Against Azurite.
import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import {
  StoreConflictError,
  type DumpedRecord,
  type PartitionWriteOp,
} from '../../src/store/partitioned-store.ts';
import {
  openTablesStore,
  type TablesStore,
  type TablesStoreOptions,
} from '../../src/store/tables-store.ts';
import { rowKeyOf } from '../../src/store/tables/key-codec.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';

describe('TablesStore on Azurite', function () {
  this.timeout(30_000);
  const azurite = useAzurite();
  let tableName: string;
  let offset: number;
  let opened: TablesStore[];
  let raw: TableClient;

  const open = async (options: Partial<TablesStoreOptions> = {}) => {
    const store = await openTablesStore({
      connectionString: azurite().connectionString,
      tableName,
      now: () => Date.now() + offset,
      appendOnly: [{ name: 'audit', retainDays: 30 }],
      ...options,
    });
    opened.push(store);
    return store;
  };
  const rawEntities = async (partitionKey: string) => {
    const out: Record<string, unknown>[] = [];
    for await (const e of raw.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${partitionKey}'` },
    })) {
      out.push(e);
    }
    return out;
  };
  const isConflict =
    (collection: string, key: string, expected: number, actual: number) => (error: unknown) =>
      error instanceof StoreConflictError &&
      error.collection === collection &&
      error.key === key &&
      error.expectedVersion === expected &&
      error.actualVersion === actual;

  beforeEach(() => {
    tableName = uniqueName('engine');
    offset = 0;
    opened = [];
    raw = TableClient.fromConnectionString(azurite().connectionString, tableName, {
      allowInsecureConnection: true,
    });
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  describe('mapping', () => {
    it('writes one entity per record: encoded keys, version, value JSON, expiry', async () => {
      const store = await open();
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      await store
        .partition('tenant/1')
        .put('jobs', '2026-12-02T10:00:00.000Z|a', { n: 1 }, 0, { expiresAt });
      const [entity, ...others] = await rawEntities('tenant.2F1');
      assert.equal(others.length, 0);
      assert.equal(entity!.rowKey, 'jobs|2026-12-02T10:3A00:3A00.2E000Z~007Ca');
      assert.equal(entity!.v, 1);
      assert.equal(entity!.d0, '{"n":1}');
      assert.equal((entity!.x as Date).toISOString(), expiresAt);
      assert.equal(typeof entity!.w, 'string');
    });

    it('lists in UTF-16 order keys of every kind, as Azure Tables sorts them encoded', async () => {
      const store = await open();
      const p = store.partition('t');
      const keys = ['a/b', 'a#b', 'a?b', 'a\\b', 'a\tb', "a'b", 'a%b', 'é', 'z', '日本', '🛡️', '~'];
      keys.push('', '\u007f', 'A', 'a', '-', '_', '`', '{', '|', '}', '0', ':', '@', '[', ' ');
      await p.batch(keys.map((key) => ({ kind: 'put', collection: 'k', key, value: key })));
      const listed = await p.list<string>('k');
      assert.deepEqual(
        listed.map((r) => r.key),
        [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      for (const r of listed) assert.equal(r.value, r.key);
      assert.deepEqual(
        (await p.list('k', { prefix: 'a' })).map((r) => r.key).sort(),
        ['a', 'a\tb', "a'b", 'a#b', 'a%b', 'a/b', 'a?b', 'a\\b'].sort(),
      );
    });

    it('splits a large value over several properties and joins it back, unicode intact', async () => {
      const store = await open();
      // Non-ASCII text all along the request body: Azurite 3.35 corrupts a UTF-8 character cut
      // between two chunks of a body (Azure/Azurite#2670), so the engine stores ASCII JSON.
      const text = '🛡️ Überprüfung – 調査 '.repeat(6_000);
      const value = { text, n: 1 };
      await store.partition('t').put('big', 'v', value);
      const [entity] = await rawEntities('t');
      const chunks = Object.keys(entity!).filter((k) => /^d\d+$/.test(k));
      assert.ok(chunks.length > 10, `${chunks.length} chunks`);
      for (const k of chunks) {
        const chunk = entity![k] as string;
        assert.ok(chunk.length <= 32_000, `${k}: ${chunk.length}`);
        assert.match(chunk, /^[\x20-\x7e]*$/);
      }
      assert.deepEqual((await store.partition('t').get('big', 'v'))?.value, value);
      assert.deepEqual((await store.partition('t').list('big'))[0]?.value, value);
    });

    it('refuses a value over the 1 MiB of an entity, and writes nothing', async () => {
      const store = await open();
      const p = store.partition('t');
      await assert.rejects(p.put('big', 'v', 'x'.repeat(600_000)), /over its limit of 1 MiB/);
      await assert.rejects(
        p.batch([{ kind: 'put', collection: 'big', key: 'v', value: 'x'.repeat(600_000) }]),
        TypeError,
      );
      assert.equal(await p.get('big', 'v'), undefined);
    });

    it('refuses a batch over the 4 MiB of a transaction before sending it', async () => {
      const store = await open();
      const p = store.partition('t');
      const ops = (n: number): PartitionWriteOp[] =>
        Array.from({ length: n }, (_, i) => ({
          kind: 'put',
          collection: 'big',
          key: `k${i}`,
          value: 'x'.repeat(450_000),
        }));
      await p.batch(ops(8)); // 3.6 MB: within
      await assert.rejects(p.batch(ops(10)), /over the 4 MiB an Azure Tables transaction carries/);
      assert.equal((await p.list('big')).length, 8);
    });

    it('refuses keys longer than Azure Tables keys hold', async () => {
      const store = await open();
      await assert.rejects(store.partition('t').put('c', 'k'.repeat(600), 1), TypeError);
      assert.throws(() => store.partition('p'.repeat(600)), TypeError);
    });
  });

  describe('conflicts between instances', () => {
    it('lets exactly one of 50 concurrent compare-and-sets at one version win, over two instances', async () => {
      const a = await open();
      const b = await open();
      await a.partition('t').put('r', 'k', 0);
      await b.partition('t').get('r', 'k'); // both remember version 1 and its ETag
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, n) => (n % 2 ? a : b).partition('t').put('r', 'k', n, 1)),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const o of outcomes) {
        if (o.status === 'rejected')
          assert.ok(isConflict('r', 'k', 1, 2)(o.reason), String(o.reason));
      }
      const winner = outcomes.findIndex((o) => o.status === 'fulfilled');
      assert.deepEqual(await a.partition('t').get('r', 'k'), {
        key: 'k',
        version: 2,
        value: winner,
      });
    });

    it('never loses a version when instances with stale caches write unconditionally', async () => {
      const a = await open();
      const b = await open();
      await a.partition('t').put('r', 'k', 'a1');
      await b.partition('t').put('r', 'k', 'b2');
      await a.partition('t').put('r', 'k', 'a3'); // a remembers version 1: a 412, a read, a retry
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).partition('t').put('r', 'k', i)),
      );
      assert.equal((await b.partition('t').get('r', 'k'))?.version, 13);
    });

    it('names the op that conflicts inside a transaction, and applies nothing', async () => {
      const a = await open();
      const b = await open();
      const pa = a.partition('t');
      await pa.batch([
        { kind: 'put', collection: 'w', key: 'mark', value: 1 },
        { kind: 'put', collection: 'o', key: 'old', value: 1 },
      ]);
      // b changes the watermark: a still remembers version 1 and sends its stale ETag.
      await b.partition('t').put('w', 'mark', 2, 1);
      await assert.rejects(
        pa.batch([
          { kind: 'put', collection: 'o', key: 'e1', value: 'x', expectedVersion: 0 },
          { kind: 'delete', collection: 'o', key: 'old', expectedVersion: 1 },
          { kind: 'put', collection: 'w', key: 'mark', value: 3, expectedVersion: 1 },
        ]),
        isConflict('w', 'mark', 1, 2),
      );
      // b creates a key that a's next batch inserts: the service refuses the insert (409).
      await b.partition('t').put('o', 'e2', 'by b', 0);
      await assert.rejects(
        pa.batch([
          { kind: 'put', collection: 'w', key: 'mark', value: 3, expectedVersion: 2 },
          { kind: 'put', collection: 'o', key: 'e2', value: 'by a', expectedVersion: 0 },
        ]),
        isConflict('o', 'e2', 0, 1),
      );
      assert.equal(await pa.get('o', 'e1'), undefined);
      assert.equal((await pa.get('o', 'old'))?.version, 1);
      assert.deepEqual(await pa.get('w', 'mark'), { key: 'mark', version: 2, value: 2 });
      assert.equal((await pa.get('o', 'e2'))?.value, 'by b');
    });

    it('deletes conditionally inside a transaction and leaves no tombstone behind', async () => {
      const store = await open();
      const p = store.partition('t');
      await p.put('o', 'gone', 1);
      await p.put('o', 'kept', 1);
      await p.batch([
        { kind: 'delete', collection: 'o', key: 'gone', expectedVersion: 1 },
        { kind: 'put', collection: 'o', key: 'kept', value: 2, expectedVersion: 1 },
      ]);
      assert.equal(await p.get('o', 'gone'), undefined);
      assert.deepEqual(
        (await p.list('o')).map((r) => r.key),
        ['kept'],
      );
      assert.equal((await p.put('o', 'gone', 'again', 0)).version, 1);
      await p.batch([{ kind: 'delete', collection: 'o', key: 'gone', expectedVersion: 1 }]);
      await store.close(); // waits for the tombstone's removal
      assert.deepEqual(
        (await rawEntities('t')).map((e) => e.rowKey),
        ['o|kept'],
      );
    });
  });

  describe('retention', () => {
    it('prunes expired records and append-only days past retention', async () => {
      const store = await open();
      const p = store.partition('t');
      const now = Date.now();
      const day = (offsetDays: number) => new Date(now + offsetDays * 86_400_000).toISOString();
      await p.put('jobs', 'soon', 1, undefined, { expiresAt: day(1) });
      await p.put('jobs', 'later', 1, undefined, { expiresAt: day(10) });
      await p.put('jobs', 'kept', 1);
      await p.put('audit', `${day(-29)}|old`, 1, 0);
      await p.put('audit', `${day(-1)}|recent`, 1, 0);
      await store.partition('other').put('jobs', 'soon', 1, undefined, { expiresAt: day(1) });
      assert.equal(await store.prune({ partitions: ['t', 'other'] }), 0);
      offset = 2 * 86_400_000;
      assert.equal(await store.prune({ partitions: ['t'] }), 2);
      assert.deepEqual(
        (await rawEntities('t')).map((e) => e.rowKey).sort(),
        [rowKeyOf('audit', `${day(-1)}|recent`), 'jobs|kept', 'jobs|later'].sort(),
      );
      assert.equal(await store.prune(), 1); // every partition: "other"
      assert.equal((await rawEntities('other')).length, 0);
    });
  });

  describe('dump and load', () => {
    it('copies every live record with its version and expiry, and counts them', async () => {
      const source = await open();
      const p = source.partition('t1');
      await p.put('a', 'x', { n: 1 });
      await p.put('a', 'x', { n: 2 });
      await p.put('a', 'gone', 1, undefined, {
        expiresAt: new Date(Date.now() + 1_000).toISOString(),
      });
      await p.put('b', 'y', 'text', undefined, {
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      await source.partition('t2').put('a', 'x', [1, 2, 3]);
      offset = 10_000;
      const dumped: DumpedRecord[] = [];
      for await (const r of source.dump()) dumped.push(r);
      const sorted = (rs: DumpedRecord[]) =>
        [...rs].sort((l, r) =>
          `${l.partition}/${l.collection}/${l.key}`.localeCompare(
            `${r.partition}/${r.collection}/${r.key}`,
          ),
        );
      assert.deepEqual(
        sorted(dumped).map(({ partition, collection, key, version }) => [
          partition,
          collection,
          key,
          version,
        ]),
        [
          ['t1', 'a', 'x', 2],
          ['t1', 'b', 'y', 1],
          ['t2', 'a', 'x', 1],
        ],
      );
      tableName = uniqueName('copy');
      const target = await open();
      const many = Array.from({ length: 250 }, (_, i): DumpedRecord => ({
        partition: `p${i % 3}`,
        collection: 'bulk',
        key: String(i).padStart(3, '0'),
        version: i + 1,
        value: { i },
      }));
      assert.equal(await target.load([...dumped, ...many]), 253);
      const copied: DumpedRecord[] = [];
      for await (const r of target.dump()) copied.push(r);
      assert.deepEqual(sorted(copied), sorted([...dumped, ...many]));
      assert.equal((await target.partition('t1').put('a', 'x', { n: 3 }, 2)).version, 3);
    });
  });

  describe('opening', () => {
    it('creates the table when missing and opens an existing one', async () => {
      const first = await open();
      await first.partition('t').put('c', 'k', 1);
      const second = await open();
      assert.equal((await second.partition('t').get('c', 'k'))?.value, 1);
      assert.equal(await second.isEmpty(), false);
    });

    it('refuses a bad table name and a missing account', async () => {
      await assert.rejects(open({ tableName: 'no-dashes' }), TypeError);
      await assert.rejects(openTablesStore({}), /AZURE_STORAGE_CONNECTION_STRING/);
    });
  });
});
