// The partitioned Store port's contract, run against every engine (describePartitionedStoreContract):
// the memory fake, the journaled lowdb store and Azure Tables on Azurite. Same tests, same rules.
import assert from 'node:assert/strict';
import {
  MAX_BATCH_OPS,
  StoreConflictError,
  type DumpableStore,
  type DumpedRecord,
  type PartitionStore,
  type PartitionWriteOp,
  type Store,
} from '../../src/store/partitioned-store.ts';

export interface PartitionedStoreUnderTest {
  store: Store;
  /** Reopens the same data (engines that persist); the old store is closed first by the suite. */
  reopen?: () => Promise<Store>;
  /** Moves the engine's clock (expiry); engines take an injected `now`. */
  advanceClock?: (ms: number) => void;
  cleanup?: () => Promise<void>;
}

const conflict = (expected: number, actual: number) => (error: unknown) =>
  error instanceof StoreConflictError &&
  error.code === 'STORE_CONFLICT' &&
  error.expectedVersion === expected &&
  error.actualVersion === actual;

export function describePartitionedStoreContract(
  name: string,
  factory: () => Promise<PartitionedStoreUnderTest>,
): void {
  describe(`Partitioned store contract: ${name}`, function () {
    this.timeout(20_000);
    let subject: PartitionedStoreUnderTest;
    let store: Store;
    let p: PartitionStore;
    let q: PartitionStore;
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
      p = store.partition('tenant-a');
      q = store.partition('tenant-b');
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
      await subject.cleanup?.();
    });

    it('returns undefined for a missing record', async () => {
      assert.equal(await p.get('incidents', 'nope'), undefined);
    });

    it('starts a record at version 1 and increments on each unconditional put', async () => {
      assert.deepEqual(await p.put('incidents', 'a', { n: 1 }), {
        key: 'a',
        version: 1,
        value: { n: 1 },
      });
      await p.put('incidents', 'a', { n: 2 });
      assert.deepEqual(await p.get('incidents', 'a'), { key: 'a', version: 2, value: { n: 2 } });
    });

    it('keeps partitions apart: same collection and key, different records', async () => {
      await p.put('incidents', 'a', 'in a');
      await q.put('incidents', 'a', 'in b');
      await q.put('incidents', 'a', 'in b again');
      assert.deepEqual(await p.get('incidents', 'a'), { key: 'a', version: 1, value: 'in a' });
      assert.deepEqual(await q.get('incidents', 'a'), {
        key: 'a',
        version: 2,
        value: 'in b again',
      });
      assert.deepEqual(
        (await store.partition('tenant-c').list('incidents')).map((r) => r.key),
        [],
      );
      assert.equal(await q.delete('incidents', 'a'), true);
      assert.equal((await p.get('incidents', 'a'))?.value, 'in a');
    });

    it('creates with expectedVersion 0 only when the record does not exist', async () => {
      await p.put('incidents', 'a', 'first', 0);
      await assert.rejects(p.put('incidents', 'a', 'second', 0), conflict(0, 1));
      assert.equal((await p.get('incidents', 'a'))?.value, 'first');
    });

    it('compare-and-sets at the current version and rejects a stale one', async () => {
      await p.put('incidents', 'a', 'v1');
      assert.equal((await p.put('incidents', 'a', 'v2', 1)).version, 2);
      await assert.rejects(p.put('incidents', 'a', 'stale', 1), conflict(1, 2));
      await assert.rejects(p.put('incidents', 'missing', 'x', 3), conflict(3, 0));
      assert.deepEqual(await p.get('incidents', 'a'), { key: 'a', version: 2, value: 'v2' });
      assert.equal(await p.get('incidents', 'missing'), undefined);
    });

    it('lets exactly one of two concurrent creates of the same key win', async () => {
      const outcomes = await Promise.allSettled([
        p.put('locks', 'k', 'one', 0),
        p.put('locks', 'k', 'two', 0),
      ]);
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      assert.ok(conflict(0, 1)(rejected?.reason));
      const winner = outcomes.findIndex((o) => o.status === 'fulfilled');
      assert.equal((await p.get('locks', 'k'))?.value, winner === 0 ? 'one' : 'two');
    });

    it('lets exactly one of many concurrent compare-and-sets at one version win', async () => {
      await p.put('records', 'r', { n: 0 });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, n) => p.put('records', 'r', { n: n + 1 }, 1)),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      assert.ok(
        outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof StoreConflictError),
      );
      assert.equal((await p.get('records', 'r'))?.version, 2);
    });

    it('deletes with and without an expected version', async () => {
      await p.put('incidents', 'a', 1);
      await p.put('incidents', 'a', 2);
      await assert.rejects(p.delete('incidents', 'a', 1), conflict(1, 2));
      await assert.rejects(p.delete('incidents', 'a', 0), conflict(0, 2));
      assert.equal(await p.delete('incidents', 'a', 2), true);
      assert.equal(await p.get('incidents', 'a'), undefined);
      assert.equal(await p.delete('incidents', 'a'), false);
      assert.equal(await p.delete('incidents', 'a', 0), false);
      await assert.rejects(p.delete('incidents', 'a', 1), conflict(1, 0));
    });

    it('lists one collection of one partition ordered by key, by prefix, cursor and limit', async () => {
      for (const key of ['t2/b', 't1/b', 't1/a', 't10/a']) await p.put('items', key, key);
      await p.put('other', 't1/c', 'elsewhere');
      await q.put('items', 't1/z', 'other partition');
      const keys = async (options?: Parameters<PartitionStore['list']>[1]) =>
        (await p.list('items', options)).map((r) => r.key);
      assert.deepEqual(await keys(), ['t1/a', 't1/b', 't10/a', 't2/b']);
      assert.deepEqual(await keys({ prefix: 't1/' }), ['t1/a', 't1/b']);
      assert.deepEqual(await keys({ limit: 2 }), ['t1/a', 't1/b']);
      assert.deepEqual(await keys({ after: 't1/b' }), ['t10/a', 't2/b']);
      assert.deepEqual(await keys({ after: 't1/a', limit: 2 }), ['t1/b', 't10/a']);
      assert.deepEqual(await keys({ prefix: 't1', after: 't1/b' }), ['t10/a']);
      assert.deepEqual(await p.list('empty'), []);
    });

    it('orders keys by UTF-16 code units, with characters keys commonly hold', async () => {
      const raw = [
        'b',
        'a%3Ab',
        'a:b',
        'a b',
        'A',
        'a~',
        'a|',
        '0000000000000010',
        '0000000000000009',
      ];
      for (const key of raw) await p.put('keys', key, key);
      const expected = [...raw].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(
        (await p.list('keys')).map((r) => r.key),
        expected,
      );
      for (const key of raw) assert.equal((await p.get('keys', key))?.value, key);
    });

    it('returns frozen values that later writes do not change', async () => {
      const value = { tags: ['a'] };
      await p.put('items', 'x', value);
      value.tags.push('changed by caller');
      const read = await p.get<{ tags: string[] }>('items', 'x');
      assert.ok(read);
      assert.throws(() => read.value.tags.push('changed by reader'), TypeError);
      await p.put('items', 'x', { tags: ['b'] });
      assert.deepEqual(read.value, { tags: ['a'] });
      assert.deepEqual((await p.get('items', 'x'))?.value, { tags: ['b'] });
      const [listed] = await p.list<{ tags: string[] }>('items');
      assert.throws(() => {
        listed!.value.tags = [];
      }, TypeError);
    });

    it('stores values as JSON and refuses values JSON cannot hold', async () => {
      await p.put('items', 'd', { at: new Date('2024-01-02T03:04:05.000Z'), gone: undefined });
      assert.deepEqual((await p.get('items', 'd'))?.value, { at: '2024-01-02T03:04:05.000Z' });
      await assert.rejects(p.put('items', 'u', undefined), TypeError);
      await assert.rejects(p.put('items', 'b', { n: 1n }), TypeError);
      assert.equal(await p.get('items', 'u'), undefined);
    });

    it('holds a value of 200 KB and unicode text', async () => {
      const big = { text: 'x'.repeat(200_000), emoji: '🛡️ Überprüfung – 調査' };
      await p.put('items', 'big', big);
      assert.deepEqual((await p.get('items', 'big'))?.value, big);
    });

    it('treats keys such as __proto__ and constructor as ordinary keys', async () => {
      await p.put('items', '__proto__', 'p');
      await p.put('items', 'constructor', 'c');
      assert.equal((await p.get('items', '__proto__'))?.value, 'p');
      assert.deepEqual(
        (await p.list('items')).map((r) => [r.key, r.value]),
        [
          ['__proto__', 'p'],
          ['constructor', 'c'],
        ],
      );
    });

    it('applies a batch completely when every check passes', async () => {
      await p.put('incidents', 'a', 'old');
      await p.put('outbox', 'gone', 'x');
      await p.batch([
        { kind: 'put', collection: 'incidents', key: 'a', value: 'new', expectedVersion: 1 },
        { kind: 'put', collection: 'outbox', key: 'e1', value: 'event', expectedVersion: 0 },
        { kind: 'delete', collection: 'outbox', key: 'gone' },
      ]);
      assert.deepEqual(await p.get('incidents', 'a'), { key: 'a', version: 2, value: 'new' });
      assert.equal((await p.get('outbox', 'e1'))?.version, 1);
      assert.equal(await p.get('outbox', 'gone'), undefined);
    });

    it('applies nothing of a batch when any op conflicts', async () => {
      await p.put('watermarks', 't1', 'w1');
      await p.put('outbox', 'e1', 'existing');
      await assert.rejects(
        p.batch([
          { kind: 'put', collection: 'watermarks', key: 't1', value: 'w2', expectedVersion: 1 },
          { kind: 'delete', collection: 'outbox', key: 'e1' },
          { kind: 'put', collection: 'outbox', key: 'e2', value: 'new', expectedVersion: 0 },
          { kind: 'put', collection: 'outbox', key: 'e1', value: 'dup', expectedVersion: 0 },
        ]),
        TypeError, // e1 twice: Azure Tables transactions refuse that, so every store does
      );
      await assert.rejects(
        p.batch([
          { kind: 'put', collection: 'watermarks', key: 't1', value: 'w2', expectedVersion: 1 },
          { kind: 'delete', collection: 'outbox', key: 'e1' },
          { kind: 'put', collection: 'outbox', key: 'e3', value: 'late', expectedVersion: 2 },
        ]),
        conflict(2, 0),
      );
      assert.deepEqual(await p.get('watermarks', 't1'), { key: 't1', version: 1, value: 'w1' });
      assert.equal((await p.get('outbox', 'e1'))?.value, 'existing');
      assert.equal(await p.get('outbox', 'e2'), undefined);
    });

    it(`accepts a batch of ${MAX_BATCH_OPS} ops and refuses a larger one`, async () => {
      const ops = (n: number, prefix: string): PartitionWriteOp[] =>
        Array.from({ length: n }, (_, i) => ({
          kind: 'put',
          collection: 'bulk',
          key: `${prefix}${String(i).padStart(3, '0')}`,
          value: i,
        }));
      await p.batch(ops(MAX_BATCH_OPS, 'ok'));
      assert.equal((await p.list('bulk')).length, MAX_BATCH_OPS);
      await assert.rejects(p.batch(ops(MAX_BATCH_OPS + 1, 'no')), TypeError);
      assert.equal((await p.list('bulk', { prefix: 'no' })).length, 0);
    });

    it('treats an empty batch as a no-op', async () => {
      await p.batch([]);
      assert.deepEqual(await p.list('anything'), []);
    });

    it('hides a record once it expires, and keeps one that has not', async function () {
      if (!subject.advanceClock) this.skip();
      const now = Date.now();
      await p.put('deliveries', 'old', 1, undefined, {
        expiresAt: new Date(now + 60_000).toISOString(),
      });
      await p.put('deliveries', 'kept', 2);
      await p.batch([
        {
          kind: 'put',
          collection: 'deliveries',
          key: 'later',
          value: 3,
          expiresAt: new Date(now + 3_600_000).toISOString(),
        },
      ]);
      assert.equal((await p.get('deliveries', 'old'))?.value, 1);
      subject.advanceClock(120_000);
      assert.equal(await p.get('deliveries', 'old'), undefined);
      assert.deepEqual(
        (await p.list('deliveries')).map((r) => r.key),
        ['kept', 'later'],
      );
      // An expired record is absent for compare-and-set too: it can be created again.
      assert.equal((await p.put('deliveries', 'old', 'again', 0)).version, 1);
    });

    it('refuses an expiresAt that is not an instant, writing nothing', async () => {
      await assert.rejects(
        p.put('deliveries', 'x', 1, undefined, { expiresAt: 'next tuesday' }),
        TypeError,
      );
      assert.equal(await p.get('deliveries', 'x'), undefined);
    });

    it('counts only live records toward a list limit', async function () {
      if (!subject.advanceClock) this.skip();
      const soon = new Date(Date.now() + 60_000).toISOString();
      await p.put('deliveries', 'a', 1, undefined, { expiresAt: soon });
      await p.put('deliveries', 'b', 2);
      await p.put('deliveries', 'c', 3);
      subject.advanceClock(120_000);
      assert.deepEqual(
        (await p.list('deliveries', { limit: 2 })).map((r) => r.key),
        ['b', 'c'],
      );
    });

    it('dumps every live record and loads records as they are, versions kept', async function () {
      const dumpable = store as Partial<DumpableStore>;
      if (!dumpable.dump || !dumpable.load) this.skip();
      const later = new Date(Date.now() + 86_400_000).toISOString();
      await p.put('incidents', 'a', 1);
      await p.put('incidents', 'a', 2);
      await q.put('outbox', 'e', { id: 'e' }, undefined, { expiresAt: later });
      const audited = `${new Date().toISOString()}|x`;
      await p.put('audit', audited, { n: 1 }, 0);
      const dumped: DumpedRecord[] = [];
      for await (const record of dumpable.dump.call(store)) dumped.push(record);
      const view = dumped
        .map((r) => [
          r.partition,
          r.collection,
          r.key,
          r.version,
          r.value,
          r.expiresAt && Date.parse(r.expiresAt),
        ])
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      assert.deepEqual(view, [
        ['tenant-a', 'audit', audited, 1, { n: 1 }, undefined],
        ['tenant-a', 'incidents', 'a', 2, 2, undefined],
        ['tenant-b', 'outbox', 'e', 1, { id: 'e' }, Date.parse(later)],
      ]);
      const loaded = await dumpable.load.call(store, [
        { partition: 'tenant-a', collection: 'incidents', key: 'a', version: 7, value: 'loaded' },
        { partition: 'tenant-c', collection: 'other', key: 'k', version: 3, value: { n: 3 } },
      ]);
      assert.equal(loaded, 2);
      assert.deepEqual(await p.get('incidents', 'a'), { key: 'a', version: 7, value: 'loaded' });
      assert.equal((await store.partition('tenant-c').get('other', 'k'))?.version, 3);
      assert.equal((await p.put('incidents', 'a', 'next', 7)).version, 8);
    });

    it('keeps records, versions and deletions across close and reopen', async function () {
      if (!subject.reopen) this.skip();
      await p.put('incidents', 'a', { status: 'active' });
      await p.put('incidents', 'a', { status: 'resolved' }, 1);
      await q.batch([
        { kind: 'put', collection: 'outbox', key: 'e1', value: 1 },
        { kind: 'put', collection: 'outbox', key: 'e2', value: 2 },
      ]);
      await q.delete('outbox', 'e1');
      await store.close();
      store = await subject.reopen();
      p = store.partition('tenant-a');
      q = store.partition('tenant-b');
      assert.deepEqual(await p.get('incidents', 'a'), {
        key: 'a',
        version: 2,
        value: { status: 'resolved' },
      });
      assert.deepEqual(
        (await q.list('outbox')).map((r) => [r.key, r.version, r.value]),
        [['e2', 1, 2]],
      );
      assert.equal((await p.put('incidents', 'a', 'next', 2)).version, 3);
    });

    // Engines under test are opened with appendOnly: [{ name: 'audit', retainDays: 400 }].
    it('keeps an append-only collection: dated keys, listed by prefix, never changed', async () => {
      const day = (offset: number) => new Date(Date.UTC(2026, 10, 30 + offset, 12)).toISOString();
      await p.batch([
        {
          kind: 'put',
          collection: 'audit',
          key: `${day(0)}|a`,
          value: { n: 1 },
          expectedVersion: 0,
        },
        { kind: 'put', collection: 'items', key: 'x', value: 'beside it' },
      ]);
      await p.put('audit', `${day(1)}|b`, { n: 2 }, 0);
      await q.put('audit', `${day(1)}|c`, { n: 3 }, 0);
      assert.deepEqual(
        (await p.list('audit')).map((r) => [r.key, r.value]),
        [
          [`${day(0)}|a`, { n: 1 }],
          [`${day(1)}|b`, { n: 2 }],
        ],
      );
      assert.deepEqual(
        (await p.list('audit', { prefix: day(1).slice(0, 10) })).map((r) => r.key),
        [`${day(1)}|b`],
      );
      assert.deepEqual((await p.get('audit', `${day(1)}|b`))?.value, { n: 2 });
      await assert.rejects(p.put('audit', 'not-a-date|x', 1, 0), TypeError);
      await assert.rejects(p.delete('audit', `${day(0)}|a`), TypeError);
      await assert.rejects(p.put('audit', `${day(0)}|a`, { n: 9 }, 1), TypeError);
      if (subject.reopen) {
        await store.close();
        store = await subject.reopen();
        p = store.partition('tenant-a');
        assert.equal((await p.list('audit')).length, 2);
      }
    });

    it('drops whole days of an append-only collection past its retention', async function () {
      if (!subject.advanceClock) this.skip();
      const old = new Date(Date.now() - 399 * 86_400_000).toISOString();
      const recent = new Date(Date.now() - 86_400_000).toISOString();
      await p.put('audit', `${old}|old`, 1, 0);
      await p.put('audit', `${recent}|recent`, 2, 0);
      assert.equal((await p.list('audit')).length, 2);
      subject.advanceClock(3 * 86_400_000);
      assert.deepEqual(
        (await p.list('audit')).map((r) => r.key),
        [`${recent}|recent`],
      );
    });

    it('answers ping while open and rejects every call after close', async () => {
      await store.ping();
      await p.put('items', 'x', 1);
      await store.close();
      await assert.rejects(store.ping());
      await assert.rejects(p.get('items', 'x'));
      await assert.rejects(p.put('items', 'y', 1));
    });
  });
}
