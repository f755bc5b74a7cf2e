// Many jobs at once stay within Azure Tables' batch limit (100 ops), in steps that a crash
// between them neither loses nor doubles. The store here refuses a larger batch, as Tables does.
import assert from 'node:assert/strict';
import { DeliveryEngine } from '../../src/delivery/delivery-engine.ts';
import type { DeliveryJob, DeliveryTarget } from '../../src/delivery/delivery-job.ts';
import { INBOX, JOBS } from '../../src/delivery/delivery-store.ts';
import { FlatStore } from '../../src/store/flat-store.ts';
import { MAX_BATCH_OPS } from '../../src/store/partitioned-store.ts';
import type { Store, WriteOp } from '../../src/store/store.ts';
import { PartitionedMemoryStore } from '../fakes/partitioned-memory-store.ts';
import { FakeClock } from './fake-clock.ts';
import { FakeMessenger } from './fake-messenger.ts';
import { RecordingLogger } from './recording-logger.ts';

const T = 'tenant-a';

function job(i: number): DeliveryJob {
  const target: DeliveryTarget = { kind: 'personal', tenantId: T, userId: `user-${i}` };
  return {
    id: `job-${i}`,
    orderingKey: `${T}:inc-${i}`,
    target,
    operation: { kind: 'send', activity: { text: `job-${i}` } },
    createdAt: '2026-03-01T08:00:00.000Z',
  };
}

const jobs = (count: number) => Array.from({ length: count }, (_, i) => job(i));

/** The store, with the sizes of the batches written and an optional failure of one of them. */
class WatchedStore extends FlatStore {
  readonly sizes: number[] = [];
  failBatch: ((ops: WriteOp[]) => boolean) | undefined;

  override async batch(ops: WriteOp[]): Promise<void> {
    if (this.failBatch?.(ops)) {
      this.failBatch = undefined;
      throw new Error('process stopped between two steps');
    }
    this.sizes.push(ops.length);
    return super.batch(ops);
  }
}

function engineOn(store: Store, messenger: FakeMessenger, clock: FakeClock) {
  return new DeliveryEngine({
    store,
    messenger,
    logger: new RecordingLogger(),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
  });
}

function setup() {
  const store = new WatchedStore(new PartitionedMemoryStore());
  const clock = new FakeClock();
  const messenger = new FakeMessenger(clock.nowMs);
  return { store, clock, messenger, engine: engineOn(store, messenger, clock) };
}

/** How many times each job was delivered, by id. */
function deliveredCounts(messenger: FakeMessenger): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of messenger.calls) {
    if (call.error) continue;
    const text = call.text ?? '';
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

function assertEachOnce(messenger: FakeMessenger, count: number): void {
  const counts = deliveredCounts(messenger);
  assert.equal(counts.size, count);
  for (const [id, times] of counts) assert.equal(times, 1, `${id} delivered ${times} times`);
}

describe('DeliveryEngine, many jobs at once', () => {
  it('enqueues 250 jobs in batches of at most 100 ops and delivers each once', async () => {
    const { store, engine, messenger } = setup();
    await engine.enqueue(jobs(250));
    await engine.drain();

    assertEachOnce(messenger, 250);
    assert.ok(Math.max(...store.sizes) <= MAX_BATCH_OPS, `batches: ${store.sizes.join(',')}`);
  });

  it('takes in an inbox of 150 jobs in batches of at most 100 ops', async () => {
    const { store, engine, messenger } = setup();
    for (const piece of [jobs(150).slice(0, 75), jobs(150).slice(75)]) {
      await store.batch(engine.enqueueOps(piece));
    }
    engine.wake();
    await engine.drain();

    assertEachOnce(messenger, 150);
    assert.deepEqual(await store.list(INBOX), []);
    assert.deepEqual(await store.list(JOBS), []);
    assert.ok(Math.max(...store.sizes) <= MAX_BATCH_OPS, `batches: ${store.sizes.join(',')}`);
  });

  it('loses and doubles nothing when the process stops between two inbox steps', async () => {
    const { store, engine, messenger, clock } = setup();
    for (const piece of [jobs(150).slice(0, 75), jobs(150).slice(75)]) {
      await store.batch(engine.enqueueOps(piece));
    }
    let intakeSteps = 0;
    store.failBatch = (ops) =>
      ops.some((op) => op.kind === 'delete' && op.collection === INBOX) && ++intakeSteps === 2;
    engine.wake();
    await assert.rejects(engine.drain(), /between two steps/);
    const left = (await store.list(INBOX)).length;
    assert.ok(left > 0 && left < 150, `inbox entries left: ${left}`);

    // A new process on the same store takes the rest in and delivers every job once.
    const restarted = engineOn(store, messenger, clock);
    await restarted.drain();

    assertEachOnce(messenger, 150);
    assert.deepEqual(await store.list(INBOX), []);
    assert.deepEqual(await store.list(JOBS), []);
  });
});
