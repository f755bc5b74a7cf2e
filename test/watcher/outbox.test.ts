// The outbox contract others consume: seq order, consumption in the consumer's own batch,
// idempotent appends, and compare-and-set on the seq counter between concurrent appenders.
import assert from 'node:assert/strict';
import { StoreConflictError } from '../../src/store/store.ts';
import { Outbox, type OutboxEvent } from '../../src/watcher/outbox.ts';
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
      { kind: 'put', collection: 'deliveries', key: first.event.id, value: { sent: true } },
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
    const store = new FlatStore(new PartitionedMemoryStore());
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
    await store.put('outbox', '0000000000000002', { tenantId: TENANT_A, nonsense: true });
    assert.deepEqual(
      (await outbox.pending(1)).map((p) => p.event.id),
      ['e1'],
    );
    await assert.rejects(outbox.pending(2), /outbox record 0000000000000002/);
  });
});
