import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Incident } from '../../src/domain/incident.ts';
import { StoreConflictError, type Store, type WriteOp } from '../../src/store/store.ts';
import {
  AWAITING_INDEX,
  AWAITING_INDEX_FILLED,
  AwaitingIndex,
  snapshotWriteOps,
} from '../../src/watcher/awaiting-index.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../src/watcher/incident-snapshots.ts';
import { incident } from '../features/managed-response/harness.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

const awaiting = (id: string, overrides: Partial<Incident> = {}) =>
  incident({ id, status: 'awaitingAction', ...overrides });
const investigating = (id: string) => incident({ id, status: 'inProgress' });
const tenantId = incident().tenantId;

/** Writes as the poll does: the snapshot and its index op in one batch. */
async function commit(store: Store, next: Incident): Promise<void> {
  const stored = await store.get<Incident>(
    SNAPSHOTS_COLLECTION,
    snapshotKey(next.tenantId, next.id),
  );
  await store.batch(snapshotWriteOps(next.tenantId, stored?.value, next, stored?.version ?? 0));
}

describe('AwaitingIndex', () => {
  it('counts and lists what awaits the customer as snapshots come and go', async () => {
    const store = new MemoryStore();
    const index = new AwaitingIndex(store);
    await commit(store, awaiting('1'));
    await commit(store, investigating('2'));
    await commit(store, awaiting('3'));
    // Awaiting, but not the experts' incident: not in the queue.
    await commit(store, awaiting('4', { systemTags: [], assignedTo: 'Customer' }));
    await commit(store, awaiting('5', { tenantId: 'other-tenant' }));
    assert.equal(await index.count(tenantId), 2);
    assert.equal(await index.count(tenantId.toUpperCase()), 2);

    await commit(store, investigating('1')); // handed back to the experts
    await commit(store, awaiting('2'));
    await commit(store, awaiting('3', { lastUpdatedAt: '2026-03-03T00:00:00Z' })); // still awaits
    assert.equal(await index.count(tenantId), 2);
    assert.deepEqual((await index.list(tenantId)).map((i) => i.id).sort(), ['2', '3']);
    assert.equal(
      (await index.list(tenantId)).find((i) => i.id === '3')?.lastUpdatedAt,
      '2026-03-03T00:00:00Z',
    );
  });

  it('writes no index op for a change that keeps an incident where it was', () => {
    assert.deepEqual(snapshotWriteOps(tenantId, investigating('1'), investigating('1')).length, 1);
    const ops = snapshotWriteOps(tenantId, awaiting('1'), investigating('1'));
    assert.deepEqual(
      ops.map((op) => [op.kind, op.collection]),
      [
        ['put', SNAPSHOTS_COLLECTION],
        ['delete', AWAITING_INDEX],
      ],
    );
  });

  it('fills itself once from a store written before it, then reads only its entries', async () => {
    const store = new MemoryStore();
    const put = (i: Incident) => store.put(SNAPSHOTS_COLLECTION, snapshotKey(i.tenantId, i.id), i);
    await put(awaiting('1'));
    await put(investigating('2'));
    await put(awaiting('3'));
    const index = new AwaitingIndex(store);
    assert.equal(await index.count(tenantId), 2);
    assert.ok(await store.get(AWAITING_INDEX_FILLED, tenantId.toLowerCase()));

    // Another instance (a new AwaitingIndex) sees the marker and never lists the snapshots.
    const list = sinon.spy(store, 'list');
    assert.equal(await new AwaitingIndex(store).count(tenantId), 2);
    assert.deepEqual(
      list.getCalls().map((c) => c.args[0]),
      [AWAITING_INDEX],
    );
  });

  it('fills in batches Azure Tables takes: at most 100 ops, and fewer for large snapshots', async () => {
    const store = new MemoryStore();
    const put = (i: Incident) => store.put(SNAPSHOTS_COLLECTION, snapshotKey(i.tenantId, i.id), i);
    for (let i = 0; i < 120; i += 1) await put(awaiting(`a${String(i).padStart(3, '0')}`));
    // Five snapshots of about 900 KB each (a long comment thread): 4 MiB holds four at most.
    const comment = {
      comment: 'x'.repeat(900_000),
      createdBy: 'expert',
      createdAt: '2026-03-02T09:00:00Z',
    };
    for (const id of ['b1', 'b2', 'b3', 'b4', 'b5'])
      await put(awaiting(id, { comments: [comment] }));
    const batch = sinon.spy(store, 'batch');
    assert.equal(await new AwaitingIndex(store).count(tenantId), 125);
    const sizes = batch.getCalls().map((c) => c.args[0]);
    assert.ok(
      sizes.every((ops) => ops.length <= 100),
      'at most 100 ops per batch',
    );
    assert.ok(
      sizes.every((ops) => JSON.stringify(ops).length < 4 * 1024 * 1024),
      `under 4 MiB per batch: ${sizes.map((ops) => JSON.stringify(ops).length).join(', ')}`,
    );
  });

  it('loses no change a poll commits while the index is being filled', async () => {
    const store = new MemoryStore();
    const put = (i: Incident) => store.put(SNAPSHOTS_COLLECTION, snapshotKey(i.tenantId, i.id), i);
    await put(awaiting('1'));
    await put(awaiting('2'));
    // The poll hands incident 1 back to the experts between the fill's read and its batch.
    const batch = store.batch.bind(store);
    let raced = false;
    sinon.stub(store, 'batch').callsFake(async (ops: WriteOp[]) => {
      if (!raced && ops.some((op) => op.collection === AWAITING_INDEX)) {
        raced = true;
        await commit(store, investigating('1'));
      }
      return batch(ops);
    });
    const index = new AwaitingIndex(store);
    assert.deepEqual(
      (await index.list(tenantId)).map((i) => i.id),
      ['2'],
    );
    assert.equal(await index.count(tenantId), 1);
    assert.equal(
      (await store.get<Incident>(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, '1')))?.value.status,
      'inProgress',
    );
  });

  it('tries the fill again on the next read when the store fails it', async () => {
    const store = new MemoryStore();
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, '1'), awaiting('1'));
    const batch = sinon.stub(store, 'batch').rejects(new Error('store offline'));
    const index = new AwaitingIndex(store);
    await assert.rejects(index.count(tenantId), /store offline/);
    batch.restore();
    assert.equal(await index.count(tenantId), 1);
  });

  it('gives up a fill on a snapshot that keeps changing, rather than spinning', async () => {
    const store = new MemoryStore();
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, '1'), awaiting('1'));
    sinon.stub(store, 'batch').rejects(new StoreConflictError(SNAPSHOTS_COLLECTION, 'k', 1, 2));
    await assert.rejects(new AwaitingIndex(store).count(tenantId), StoreConflictError);
  });
});
