// The outbox contract others consume: seq order per tenant, consumption in the consumer's own
// batch, idempotent appends, compare-and-set on a tenant's seq counter between concurrent
// appenders, none between tenants, and records of the former global sequence still consumed.
import assert from 'node:assert/strict';
import { partitionRouter } from '../../src/app/partition-rules.ts';
import { partitionsFrom } from '../../src/config.ts';
import { StoreConflictError } from '../../src/store/store.ts';
import { Outbox, outboxKey, type OutboxEvent } from '../../src/watcher/outbox.ts';
import { FlatStore } from '../../src/store/flat-store.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { PartitionedMemoryStore } from '../fakes/partitioned-memory-store.ts';
import { at, incident, TENANT_A, TENANT_B } from './fakes.ts';

function event(id: string, incidentId = '1', tenantId = TENANT_A): Omit<OutboxEvent, 'seq'> {
  return {
    id,
    tenantId,
    incidentId,
    change: { type: 'awaitingCustomer' },
    incident: incident(incidentId),
    detectedAt: at(0),
  };
}

describe('watcher: outbox', () => {
  it('appends with increasing seqs and lists pending events in seq order', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    // 9 then 10: the keys must sort numerically, not as text.
    for (let i = 1; i <= 11; i += 1) await store.batch(await outbox.appendOps([event(`e${i}`)]));
    const pending = await outbox.pending();
    assert.deepEqual(
      pending.map((p) => p.event.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    assert.deepEqual(
      pending.map((p) => p.event.id),
      ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11'],
    );
    assert.deepEqual(
      (await outbox.pending(2)).map((p) => p.event.id),
      ['e1', 'e2'],
    );
  });

  it('consumeOps, put in the consumer’s own batch, removes the event once', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    await store.batch(await outbox.appendOps([event('a'), event('b')]));
    const [first] = await outbox.pending();
    assert.ok(first);
    await store.batch([
      ...outbox.consumeOps(first.event, first.version),
      // The consumer's own record, keyed by the event's tenant as the features key theirs.
      {
        kind: 'put',
        collection: 'deliveries',
        key: encodeURIComponent(`${first.event.tenantId}:${first.event.id}`),
        value: { sent: true },
      },
    ]);
    assert.deepEqual(
      (await outbox.pending()).map((p) => p.event.id),
      ['b'],
    );
    await assert.rejects(
      store.batch(outbox.consumeOps(first.event, first.version)),
      StoreConflictError,
      'a second consumer of the same event loses',
    );
  });

  it('ignores an id it already holds, even after the event was consumed', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    await store.batch(await outbox.appendOps([event('a'), event('a')]));
    const [only] = await outbox.pending();
    assert.ok(only);
    await store.batch(outbox.consumeOps(only.event, only.version));
    assert.deepEqual(await outbox.appendOps([event('a')]), []);
    await store.batch(await outbox.appendOps([event('a'), event('b')]));
    assert.deepEqual(
      (await outbox.pending()).map((p) => [p.event.id, p.event.seq]),
      [['b', 2]],
    );
  });

  it('ignores an id held under the index key of before it named the tenant', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    await store.put('outboxIds', encodeURIComponent('a'), { seq: 3 });
    assert.deepEqual(await outbox.appendOps([event('a')]), []);
    assert.equal((await outbox.appendOps([event('b')])).length, 3, 'id, event, counter');
  });

  it('makes one of two concurrent appenders fail instead of sharing a seq', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    const [first, second] = await Promise.all([
      outbox.appendOps([event('watcher')]),
      outbox.appendOps([event('experts-api')]),
    ]);
    await store.batch(first);
    await assert.rejects(store.batch(second), StoreConflictError);
    await store.batch(await outbox.appendOps([event('experts-api')]));
    assert.deepEqual(
      (await outbox.pending()).map((p) => [p.event.id, p.event.seq]),
      [
        ['watcher', 1],
        ['experts-api', 2],
      ],
    );
  });

  it('refuses a record that is not an event, naming it', async () => {
    const store = new MemoryStore();
    await store.put('outbox', '0000000000000001', { nonsense: true });
    await assert.rejects(new Outbox(store).pending(), /outbox record 0000000000000001/);
  });

  it('takes the first owned events up to the limit, as copies the consumer may change', async () => {
    // FlatStore: the outbox is read without copying it (listShared), the events returned are.
    const routing = partitionsFrom(process.env) === 'tenant' ? { router: partitionRouter() } : {};
    const store = new FlatStore(new PartitionedMemoryStore(), routing);
    const outbox = new Outbox(store, { owns: (tenantId) => tenantId === TENANT_B });
    for (let i = 1; i <= 6; i += 1) {
      const tenantId = i % 2 === 0 ? TENANT_B : TENANT_A;
      await store.batch(await outbox.appendOps([event(`e${i}`, String(i), tenantId)]));
    }
    // A broken record of a tenant owned elsewhere is its owner's to report.
    await store.put('outbox', '0000000000000000', { tenantId: TENANT_A, nonsense: true });
    await store.batch(await outbox.appendOps([event('e8', '8', TENANT_B)]));

    const pending = await outbox.pending(2);
    assert.deepEqual(
      pending.map((p) => p.event.id),
      ['e2', 'e4'],
    );
    const first = pending[0];
    assert.ok(first);
    first.event.incident.title = 'changed by the consumer';
    const again = await outbox.pending();
    assert.deepEqual(
      again.map((p) => p.event.id),
      ['e2', 'e4', 'e6', 'e8'],
    );
    assert.notEqual(again[0]?.event.incident.title, 'changed by the consumer');
  });

  it('reports a broken record of an owned tenant when it reaches it, not before', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    await store.batch(await outbox.appendOps([event('e1')]));
    const broken = outboxKey(TENANT_A, 2);
    await store.put('outbox', broken, { tenantId: TENANT_A, nonsense: true });
    assert.deepEqual(
      (await outbox.pending(1)).map((p) => p.event.id),
      ['e1'],
    );
    await assert.rejects(outbox.pending(2), new RegExp(`outbox record ${broken}`));
  });

  it('gives each tenant its own sequence: two tenants appending at once both commit', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    const [a, b] = await Promise.all([
      outbox.appendOps([event('a1', '1', TENANT_A), event('a2', '2', TENANT_A)]),
      outbox.appendOps([event('b1', '1', TENANT_B)]),
    ]);
    await store.batch(a);
    await store.batch(b);
    await store.batch(await outbox.appendOps([event('b2', '2', TENANT_B)]));
    const pending = await outbox.pending();
    const of = (tenantId: string) =>
      pending.filter((p) => p.event.tenantId === tenantId).map((p) => [p.event.id, p.event.seq]);
    assert.deepEqual(of(TENANT_A), [
      ['a1', 1],
      ['a2', 2],
    ]);
    assert.deepEqual(of(TENANT_B), [
      ['b1', 1],
      ['b2', 2],
    ]);
    // A tenant's events, its counter and its id index carry its id in their keys (its partition
    // on Tables), whatever the event ids look like.
    for (const op of a) assert.ok(op.key.startsWith(TENANT_A), `${op.collection}/${op.key}`);
  });

  it('lists records of the former global sequence first and consumes them by their key', async () => {
    const store = new MemoryStore();
    const outbox = new Outbox(store);
    await store.batch(await outbox.appendOps([event('new', '2')]));
    const legacy = { ...event('old', '1'), seq: 7 };
    await store.put('outbox', '0000000000000007', legacy);
    const pending = await outbox.pending();
    assert.deepEqual(
      pending.map((p) => p.event.id),
      ['old', 'new'],
    );
    const [old] = pending;
    assert.ok(old);
    await store.batch(outbox.consumeOps(old.event, old.version, old.key));
    assert.deepEqual(
      (await outbox.pending()).map((p) => p.event.id),
      ['new'],
    );
    // Deleted by the consume (one partition), or by the pending() after it (routed: see below).
    assert.equal(await store.get('outbox', '0000000000000007'), undefined);
  });

  it('routed, consumes a legacy event in the batch of its tenant’s writes, once', async () => {
    const store = new FlatStore(new PartitionedMemoryStore(), { router: partitionRouter() });
    const outbox = new Outbox(store);
    await store.put('outbox', '0000000000000007', { ...event('old', '1'), seq: 7 });
    const [old] = await outbox.pending();
    assert.ok(old);
    const consume = () =>
      store.batch([
        ...outbox.consumeOps(old.event, old.version, old.key),
        {
          kind: 'put',
          collection: 'deliveries',
          key: encodeURIComponent(`${TENANT_A}:old`),
          value: { sent: true },
        },
      ]);
    await consume();
    await assert.rejects(consume(), StoreConflictError, 'a second consumer of it loses');
    assert.deepEqual(await outbox.pending(), []);
    assert.equal(await store.get('outbox', '0000000000000007'), undefined);
    assert.deepEqual(await outbox.pending(), [], 'and stays consumed once deleted');
  });
});
