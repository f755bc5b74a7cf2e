// Views rendered when sent, skipped jobs, jobs scheduled for later, and the delivered/parked
// hooks: the engine against an in-memory messenger and store.
import assert from 'node:assert/strict';
import { DeliveryEngine, type DeliveryEngineOptions } from '../../src/delivery/delivery-engine.ts';
import type { DeliveryJob, DeliveryTarget } from '../../src/delivery/delivery-job.ts';
import type { RenderView } from '../../src/delivery/perform-operation.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { FakeClock } from './fake-clock.ts';
import { FakeMessenger } from './fake-messenger.ts';
import { RecordingLogger } from './recording-logger.ts';

const T = 'tenant-a';
const alice: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'alice' };
const aliceMail: DeliveryTarget = { kind: 'email', tenantId: T, userId: 'alice' };

function viewJob(
  id: string,
  target: DeliveryTarget,
  extra: Partial<DeliveryJob> = {},
): DeliveryJob {
  return {
    id,
    orderingKey: `${T}:${id}`,
    target,
    operation: { kind: 'send', activity: { view: { kind: 'counter', tenantId: T } } },
    createdAt: '2026-03-01T08:00:00.000Z',
    ...extra,
  };
}

function setup(options: Partial<DeliveryEngineOptions> = {}) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const messenger = new FakeMessenger(clock.nowMs);
  const make = () =>
    new DeliveryEngine({
      store,
      messenger,
      logger: new RecordingLogger(),
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      ...options,
    });
  return { store, clock, messenger, engine: make(), make };
}

describe('DeliveryEngine views, skips and schedules', () => {
  it('renders a view from the state at send time, not at enqueue time', async () => {
    let state = 1;
    const render: RenderView = (job) =>
      Promise.resolve(
        job.operation.activity.view?.kind === 'counter'
          ? { kind: 'activity', activity: { text: `state ${state}` } }
          : undefined,
      );
    const { engine, messenger } = setup({ render });
    await engine.enqueue([viewJob('v1', alice)]);
    state = 2;
    await engine.drain();
    assert.deepEqual(
      messenger.delivered(alice).map((c) => c.text),
      ['state 2'],
    );
  });

  it('sends the stored activity of a job whose view the renderer does not know (older jobs)', async () => {
    const { engine, messenger } = setup({ render: () => Promise.resolve(undefined) });
    const old = viewJob('v1', alice);
    old.operation = { kind: 'send', activity: { text: 'rendered when planned' } };
    const unknown = viewJob('v2', alice, { orderingKey: 'k2' });
    unknown.operation = {
      kind: 'send',
      activity: { text: 'fallback', view: { kind: 'gone', tenantId: T } },
    };
    await engine.enqueue([old, unknown]);
    await engine.drain();
    assert.deepEqual(
      messenger
        .delivered(alice)
        .map((c) => c.text)
        .sort(),
      ['fallback', 'rendered when planned'],
    );
  });

  it('records a skipped job as done without a call, and never runs it again', async () => {
    const render: RenderView = () => Promise.resolve({ kind: 'skip', reason: 'reached in Teams' });
    const { engine, messenger, make } = setup({ render });
    await engine.enqueue([viewJob('v1', aliceMail)]);
    await engine.drain();
    assert.equal(messenger.calls.length, 0);
    const [record] = await engine.listDeliveries();
    assert.equal(record?.skipped, 'reached in Teams');
    const again = make();
    await again.enqueue([viewJob('v1', aliceMail)]);
    await again.drain();
    assert.equal(messenger.calls.length, 0);
  });

  it('holds a job until its notBefore; drain does not wait for it; a restart keeps the schedule', async () => {
    const render: RenderView = () =>
      Promise.resolve({ kind: 'activity', activity: { text: 'mail' } });
    const { engine, messenger, clock, make } = setup({ render });
    const due = new Date(clock.ms + 10 * 60_000).toISOString();
    await engine.enqueue([viewJob('v1', aliceMail, { notBefore: due })]);
    const before = clock.ms;
    await engine.drain();
    assert.equal(messenger.calls.length, 0);
    assert.ok(clock.ms - before < 10 * 60_000, 'drain did not sleep until the due time');
    assert.deepEqual(
      (await engine.listJobs()).map((j) => j.status),
      ['pending'],
    );

    clock.ms = Date.parse(due);
    const restarted = make();
    await restarted.drain();
    assert.deepEqual(
      messenger.delivered(aliceMail).map((c) => c.text),
      ['mail'],
    );
  });

  it('tells onFailed about a job given up on', async () => {
    const failed: { id: string; status: number | undefined }[] = [];
    const { engine, messenger } = setup({
      onFailed: (job, error) => {
        failed.push({ id: job.id, status: error?.status });
      },
    });
    messenger.fail({ status: 404, code: 'ConversationNotFound' }, { target: alice });
    await engine.enqueue([
      viewJob('a1', alice, { operation: { kind: 'send', activity: { text: 'a1' } } }),
    ]);
    await engine.drain();
    assert.deepEqual(failed, [{ id: 'a1', status: 404 }]);
  });

  it('tells onDelivered and onParked what happened to each job', async () => {
    const delivered: string[] = [];
    const parked: { id: string; code: string | undefined }[] = [];
    const { engine, messenger } = setup({
      onDelivered: (job, record) => {
        delivered.push(`${job.id}:${record.conversationId}`);
      },
      onParked: (job, error) => {
        parked.push({ id: job.id, code: error?.code });
      },
    });
    messenger.fail({ status: 403, code: 'NotInstalled' }, { target: alice });
    await engine.enqueue([
      viewJob('a1', alice, { operation: { kind: 'send', activity: { text: 'a1' } } }),
      viewJob('a2', alice, {
        orderingKey: 'other',
        operation: { kind: 'send', activity: { text: 'a2' } },
      }),
      viewJob('m1', aliceMail, { operation: { kind: 'send', activity: { text: 'm1' } } }),
    ]);
    await engine.drain();
    assert.deepEqual(delivered, ['m1:mail:alice']);
    assert.deepEqual(
      parked.map((p) => p.id).sort(),
      ['a1', 'a2'],
      'each parked job, also the one parked behind the known-unreachable target',
    );
    assert.ok(parked.every((p) => p.code === 'NotInstalled'));
  });
});
