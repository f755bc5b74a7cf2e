// The Store port's contract, run against every implementation (describeStoreContract).
import assert from 'node:assert/strict';
import { StoreConflictError, type Store } from '../../src/store/store.ts';

export interface StoreUnderTest {
  store: Store;
  cleanup?: () => Promise<void>;
}

const conflict = (expected: number, actual: number) => (error: unknown) =>
  error instanceof StoreConflictError &&
  error.code === 'STORE_CONFLICT' &&
  error.expectedVersion === expected &&
  error.actualVersion === actual;

export function describeStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await store.close();
      await subject.cleanup?.();
    });

    it('returns undefined for a missing record', async () => {
      assert.equal(await store.get('incidents', 'nope'), undefined);
    });

    it('starts a record at version 1 and increments on each unconditional put', async () => {
      assert.deepEqual(await store.put('incidents', 'a', { n: 1 }), {
        key: 'a',
        version: 1,
        value: { n: 1 },
      });
      await store.put('incidents', 'a', { n: 2 });
      assert.deepEqual(await store.get('incidents', 'a'), {
        key: 'a',
        version: 2,
        value: { n: 2 },
      });
    });

    it('creates with expectedVersion 0 only when the record does not exist', async () => {
      await store.put('incidents', 'a', 'first', 0);
      await assert.rejects(store.put('incidents', 'a', 'second', 0), conflict(0, 1));
      assert.equal((await store.get('incidents', 'a'))?.value, 'first');
    });

    it('compare-and-sets at the current version and rejects a stale one', async () => {
      await store.put('incidents', 'a', 'v1');
      assert.equal((await store.put('incidents', 'a', 'v2', 1)).version, 2);
      await assert.rejects(store.put('incidents', 'a', 'stale', 1), conflict(1, 2));
      await assert.rejects(store.put('incidents', 'missing', 'x', 3), conflict(3, 0));
      assert.deepEqual(await store.get('incidents', 'a'), { key: 'a', version: 2, value: 'v2' });
      assert.equal(await store.get('incidents', 'missing'), undefined);
    });

    it('lets exactly one of two concurrent creates of the same key win', async () => {
      const outcomes = await Promise.allSettled([
        store.put('locks', 'k', 'one', 0),
        store.put('locks', 'k', 'two', 0),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected'],
      );
      assert.ok(conflict(0, 1)((outcomes[1] as PromiseRejectedResult).reason));
      assert.equal((await store.get('locks', 'k'))?.value, 'one');
    });

    it('deletes with and without an expected version', async () => {
      await store.put('incidents', 'a', 1);
      await store.put('incidents', 'a', 2);
      await assert.rejects(store.delete('incidents', 'a', 1), conflict(1, 2));
      await assert.rejects(store.delete('incidents', 'a', 0), conflict(0, 2));
      assert.equal(await store.delete('incidents', 'a', 2), true);
      assert.equal(await store.get('incidents', 'a'), undefined);
      assert.equal(await store.delete('incidents', 'a'), false);
      assert.equal(await store.delete('incidents', 'a', 0), false);
      await assert.rejects(store.delete('incidents', 'a', 1), conflict(1, 0));
    });

    it('lists one collection ordered by key, optionally by prefix', async () => {
      for (const key of ['t2/b', 't1/b', 't1/a', 't10/a']) await store.put('items', key, key);
      await store.put('other', 't1/c', 'elsewhere');
      const keys = async (prefix?: string) =>
        (await store.list('items', prefix === undefined ? undefined : { prefix })).map(
          (r) => r.key,
        );
      assert.deepEqual(await keys(), ['t1/a', 't1/b', 't10/a', 't2/b']);
      assert.deepEqual(await keys('t1/'), ['t1/a', 't1/b']);
      assert.deepEqual(await store.list('empty'), []);
    });

    it('keeps stored values apart from the caller objects', async () => {
      const value = { tags: ['a'] };
      await store.put('items', 'x', value);
      value.tags.push('changed by caller');
      const read = await store.get<{ tags: string[] }>('items', 'x');
      read!.value.tags.push('changed by reader');
      assert.deepEqual((await store.get('items', 'x'))?.value, { tags: ['a'] });
    });

    it('stores values as JSON and refuses values JSON cannot hold', async () => {
      await store.put('items', 'd', { at: new Date('2024-01-02T03:04:05.000Z'), gone: undefined });
      assert.deepEqual((await store.get('items', 'd'))?.value, { at: '2024-01-02T03:04:05.000Z' });
      await assert.rejects(store.put('items', 'u', undefined), TypeError);
      await assert.rejects(store.put('items', 'b', { n: 1n }), TypeError);
      assert.equal(await store.get('items', 'u'), undefined);
    });

    it('treats keys such as __proto__ and constructor as ordinary keys', async () => {
      await store.put('items', '__proto__', 'p');
      await store.put('items', 'constructor', 'c');
      assert.equal((await store.get('items', '__proto__'))?.value, 'p');
      assert.deepEqual(
        (await store.list('items')).map((r) => [r.key, r.value]),
        [
          ['__proto__', 'p'],
          ['constructor', 'c'],
        ],
      );
    });

    it('applies a batch completely when every check passes', async () => {
      await store.put('incidents', 'a', 'old');
      await store.put('outbox', 'gone', 'x');
      await store.batch([
        { kind: 'put', collection: 'incidents', key: 'a', value: 'new', expectedVersion: 1 },
        { kind: 'put', collection: 'outbox', key: 'e1', value: 'event', expectedVersion: 0 },
        { kind: 'delete', collection: 'outbox', key: 'gone' },
      ]);
      assert.deepEqual(await store.get('incidents', 'a'), { key: 'a', version: 2, value: 'new' });
      assert.equal((await store.get('outbox', 'e1'))?.version, 1);
      assert.equal(await store.get('outbox', 'gone'), undefined);
    });

    it('applies nothing of a batch when any op conflicts', async () => {
      // Collections of no tenant: with STORE_PARTITIONS=tenant the batch stays in one partition.
      await store.put('counters', 't1', 'w1');
      await store.put('events', 'e1', 'existing');
      await assert.rejects(
        store.batch([
          { kind: 'put', collection: 'counters', key: 't1', value: 'w2', expectedVersion: 1 },
          { kind: 'delete', collection: 'events', key: 'e1' },
          { kind: 'put', collection: 'events', key: 'e2', value: 'new', expectedVersion: 0 },
          { kind: 'put', collection: 'events', key: 'e1', value: 'dup', expectedVersion: 0 },
        ]),
        TypeError, // e1 twice: Azure Tables transactions refuse that, so every store does
      );
      await assert.rejects(
        store.batch([
          { kind: 'put', collection: 'counters', key: 't1', value: 'w2', expectedVersion: 1 },
          { kind: 'delete', collection: 'events', key: 'e1' },
          { kind: 'put', collection: 'events', key: 'e3', value: 'late', expectedVersion: 2 },
        ]),
        conflict(2, 0),
      );
      assert.deepEqual(await store.get('counters', 't1'), { key: 't1', version: 1, value: 'w1' });
      assert.equal((await store.get('events', 'e1'))?.value, 'existing');
      assert.equal(await store.get('events', 'e2'), undefined);
    });

    it('answers ping while open and rejects every call after close', async () => {
      await store.ping();
      await store.put('items', 'x', 1);
      await store.close();
      await assert.rejects(store.ping());
      await assert.rejects(store.get('items', 'x'));
      await assert.rejects(store.put('items', 'y', 1));
    });
  });
}
