import assert from 'node:assert/strict';
import { DeliveryEngine, type DeliveryEngineOptions } from '../../src/delivery/delivery-engine.ts';
import type { DeliveryJob, DeliveryTarget } from '../../src/delivery/delivery-job.ts';
import { MessengerError } from '../../src/delivery/messenger.ts';
import type { Store } from '../../src/store/store.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { FakeClock } from './fake-clock.ts';
import { FakeMessenger } from './fake-messenger.ts';
import { RecordingLogger } from './recording-logger.ts';

const T = 'tenant-a';
const alice: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'alice' };
const bob: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'bob' };
const soc: DeliveryTarget = {
  kind: 'conversation',
  tenantId: T,
  conversationId: '19:soc@thread.tacv2',
};

function send(
  id: string,
  target: DeliveryTarget,
  options: { key?: string; messageKey?: string; replyTo?: string } = {},
): DeliveryJob {
  return {
    id,
    orderingKey: options.key ?? `${T}:inc-1:${JSON.stringify(target)}`,
    target,
    operation: { kind: 'send', activity: { text: id }, replyToMessageKey: options.replyTo },
    messageKey: options.messageKey,
    createdAt: '2026-03-01T08:00:00.000Z',
  };
}

function update(id: string, target: DeliveryTarget, messageKey: string, key?: string): DeliveryJob {
  return {
    id,
    orderingKey: key ?? `${T}:inc-1:${JSON.stringify(target)}`,
    target,
    operation: { kind: 'update', messageKey, activity: { text: id } },
    createdAt: '2026-03-01T08:00:00.000Z',
  };
}

interface UnreachableCall {
  target: DeliveryTarget;
  jobId: string;
  status: number;
}

function setup(options: Partial<DeliveryEngineOptions> & { store?: Store } = {}) {
  const store = options.store ?? new MemoryStore();
  const clock = new FakeClock();
  const messenger = new FakeMessenger(clock.nowMs);
  const logger = new RecordingLogger();
  const unreachable: UnreachableCall[] = [];
  const make = (overrides: Partial<DeliveryEngineOptions> = {}) =>
    new DeliveryEngine({
      store,
      messenger,
      logger,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      onUnreachable: (target, job, error) => {
        unreachable.push({ target, jobId: job.id, status: error.status });
      },
      ...options,
      ...overrides,
    });
  return { store, clock, messenger, logger, unreachable, engine: make(), make };
}

const texts = (calls: { text: string | undefined }[]) => calls.map((c) => c.text);

describe('DeliveryEngine', () => {
  it('delivers each job once and records who, when and the activity id', async () => {
    const { engine, messenger, clock } = setup();
    await engine.enqueue([send('j1', alice), send('j2', bob)]);
    await engine.drain();

    assert.deepEqual(texts(messenger.delivered(alice)), ['j1']);
    assert.deepEqual(texts(messenger.delivered(bob)), ['j2']);
    const records = await engine.listDeliveries({ target: alice });
    assert.equal(records.length, 1);
    assert.deepEqual(records[0], {
      jobId: 'j1',
      target: alice,
      conversationId: 'chat:alice',
      activityId: messenger.delivered(alice)[0]?.location?.activityId,
      deliveredAt: clock.now().toISOString(),
      attempts: 1,
    });
  });

  it('ignores a job id enqueued again, before and after delivery, by either route', async () => {
    const { engine, messenger, store } = setup();
    await engine.enqueue([send('j1', alice), send('j1', alice)]);
    await engine.enqueue([send('j1', alice)]);
    await engine.drain();
    await engine.enqueue([send('j1', alice)]);
    await store.batch(engine.enqueueOps([send('j1', alice)]));
    engine.wake();
    await engine.drain();

    assert.equal(messenger.calls.length, 1);
    assert.deepEqual(await store.list('deliveryInbox'), []);
  });

  it('takes in jobs enqueued through the caller’s own batch', async () => {
    const { engine, messenger, store } = setup();
    await store.batch([
      { kind: 'delete', collection: 'outbox', key: 'e1' },
      ...engine.enqueueOps([send('j1', alice, { key: 'k' }), send('j2', alice, { key: 'k' })]),
    ]);
    engine.wake();
    await engine.drain();

    assert.deepEqual(texts(messenger.delivered(alice)), ['j1', 'j2']);
    assert.deepEqual(await store.list('deliveryInbox'), []);
  });

  it('finds jobs from enqueueOps on its own while started (poll)', async () => {
    const { engine, messenger, store } = setup({ pollIntervalMs: 50 });
    engine.start();
    await store.batch(engine.enqueueOps([send('j1', alice)]));
    for (let i = 0; i < 100 && messenger.calls.length === 0; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await engine.stop();
    assert.deepEqual(texts(messenger.delivered(alice)), ['j1']);
  });

  it('delivers one ordering key strictly in enqueue order, waiting out a retry', async () => {
    const { engine, messenger } = setup();
    messenger.fail({ status: 503 }, { target: alice });
    await engine.enqueue([send('1', alice, { key: 'k' })]);
    await engine.enqueue([send('2', alice, { key: 'k' }), send('3', alice, { key: 'k' })]);
    await engine.drain();

    assert.deepEqual(texts(messenger.calls), ['1', '1', '2', '3']);
    assert.equal(messenger.calls[0]?.error?.status, 503);
  });

  it('keeps other ordering keys moving while one waits to retry', async () => {
    const { engine, messenger } = setup();
    messenger.fail({ status: 503 }, { target: alice, count: 2 });
    await engine.enqueue([send('a1', alice), send('b1', bob)]);
    await engine.drain();

    const successes = messenger.calls.filter((c) => !c.error).map((c) => c.text);
    assert.deepEqual(successes, ['b1', 'a1']);
  });

  it('honours Retry-After on 429', async () => {
    const { engine, messenger, logger } = setup();
    messenger.fail({ status: 429, retryAfterSeconds: 7 }, { target: alice });
    await engine.enqueue([send('j1', alice)]);
    await engine.drain();

    const [first, second] = messenger.calls;
    assert.ok(first && second);
    assert.ok(second.at - first.at >= 7_000, `retried after ${second.at - first.at} ms`);
    assert.deepEqual(
      logger.matching('warn', 'retried').map((l) => l.details.delayMs),
      [7_000],
    );
    assert.equal((await engine.listDeliveries())[0]?.attempts, 2);
  });

  it('starts a retry that falls due while the loop looks at the clock, even with early timers', async () => {
    // Every read of the clock moves it on 1 ms, and every sleep wakes 3 ms early: the loop must
    // decide what to start and how long to wait from one reading, or a job that falls due
    // between two readings waits for a wake that never comes.
    const clock = new FakeClock();
    const now = () => new Date(++clock.ms);
    const sleep = async (ms: number) => {
      clock.ms += Math.max(0, ms - 3);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const { engine, messenger } = setup({ now, sleep });
    messenger.fail({ status: 429, retryAfterSeconds: 1 }, { target: alice });
    await engine.enqueue([send('j1', alice)]);
    const stuck = new Promise<'stuck'>((resolve) =>
      setTimeout(() => resolve('stuck'), 2_000).unref(),
    );
    assert.equal(await Promise.race([engine.drain().then(() => 'drained'), stuck]), 'drained');
    assert.deepEqual(texts(messenger.calls), ['j1', 'j1']);
  });

  it('backs off exponentially on 412/502/503/504, then keeps the job as failed', async () => {
    const { engine, messenger, logger } = setup({
      retry: { maxAttempts: 4, baseDelayMs: 1_000 },
      random: () => 1,
    });
    for (const status of [412, 502, 503, 504]) messenger.fail({ status }, { target: alice });
    await engine.enqueue([send('j1', alice, { key: 'k' }), send('j2', alice, { key: 'k' })]);
    await engine.drain();

    assert.deepEqual(
      logger.matching('warn', 'retried').map((l) => l.details.delayMs),
      [1_000, 2_000, 4_000],
    );
    const failed = await engine.listJobs({ status: 'failed' });
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.job.id, 'j1');
    assert.equal(failed[0]?.attempts, 4);
    assert.equal(failed[0]?.lastError?.status, 504);
    // A failed job does not hold its ordering key forever.
    assert.deepEqual(texts(messenger.delivered(alice)), ['j2']);
  });

  it('retries network errors and unknown failures too', async () => {
    const { engine, messenger } = setup();
    messenger.fail({ status: 0, code: 'NetworkError' }, { target: alice });
    messenger.fail(() => new TypeError('socket hang up'), { target: alice });
    await engine.enqueue([send('j1', alice)]);
    await engine.drain();
    assert.deepEqual(texts(messenger.calls), ['j1', 'j1', 'j1']);
    assert.equal((await engine.listDeliveries()).length, 1);
  });

  for (const status of [400, 404, 413]) {
    it(`fails at once on ${status} and keeps the job for an operator`, async () => {
      const { engine, messenger, logger } = setup();
      messenger.fail({ status }, { target: alice });
      await engine.enqueue([send('j1', alice)]);
      await engine.drain();

      assert.equal(messenger.calls.length, 1);
      const [failed] = await engine.listJobs({ status: 'failed' });
      assert.equal(failed?.lastError?.status, status);
      assert.equal(logger.matching('error', 'refused').length, 1);
    });
  }

  it('parks a 403 target, tells onUnreachable once, and resumes in order on markReachable', async () => {
    const { engine, messenger, unreachable, make } = setup();
    messenger.fail({ status: 403, code: 'ConversationBlockedByUser' }, { target: alice });
    await engine.enqueue([
      send('a1', alice, { key: 'inc-1' }),
      send('a2', alice, { key: 'inc-1' }),
      send('a3', alice, { key: 'inc-2' }),
      send('b1', bob),
    ]);
    await engine.drain();

    assert.deepEqual(texts(messenger.calls), ['a1', 'b1']); // a3 parked without a call
    assert.deepEqual(unreachable, [{ target: alice, jobId: 'a1', status: 403 }]);
    const statuses = (await engine.listJobs()).map((j) => [j.job.id, j.status]);
    assert.deepEqual(statuses.sort(), [
      ['a1', 'parked'],
      ['a2', 'pending'],
      ['a3', 'parked'],
    ]);

    // A restart neither forgets the target nor tells the admins again.
    const restarted = make();
    await restarted.enqueue([send('a4', alice, { key: 'inc-3' })]);
    await restarted.drain();
    assert.equal(unreachable.length, 1);
    assert.deepEqual(texts(messenger.calls), ['a1', 'b1']);

    assert.equal(await restarted.markReachable(alice), 3);
    await restarted.drain();
    const aliceTexts = texts(messenger.delivered(alice));
    assert.deepEqual(
      aliceTexts.filter((t) => t === 'a1' || t === 'a2'),
      ['a1', 'a2'],
    );
    assert.deepEqual([...aliceTexts].sort(), ['a1', 'a2', 'a3', 'a4']);
    assert.deepEqual(await restarted.listJobs(), []);
  });

  it('calls onUnreachable again after a restart when it failed the first time', async () => {
    const { messenger, make } = setup();
    const calls: string[] = [];
    messenger.fail({ status: 403 }, { target: alice });
    const first = make({
      onUnreachable: () => {
        calls.push('first');
        throw new Error('teams down');
      },
    });
    await first.enqueue([send('a1', alice)]);
    await first.drain();
    const second = make({ onUnreachable: () => void calls.push('second') });
    await second.drain();
    const third = make({ onUnreachable: () => void calls.push('third') });
    await third.drain();
    assert.deepEqual(calls, ['first', 'second']);
  });

  it('edits the message recorded under a key, and sends it when none is recorded yet', async () => {
    const { engine, messenger } = setup();
    await engine.enqueue([
      send('card', soc, { key: 'soc', messageKey: 'soc:inc-1' }),
      update('card-v2', soc, 'soc:inc-1', 'soc'),
      update('other-v1', soc, 'soc:inc-2', 'soc'),
      update('other-v2', soc, 'soc:inc-2', 'soc'),
    ]);
    await engine.drain();

    const [card, v2, other, otherV2] = messenger.calls;
    assert.equal(card?.kind, 'send');
    assert.deepEqual([v2?.kind, v2?.location], ['update', card?.location]);
    assert.equal(other?.kind, 'send');
    assert.deepEqual([otherV2?.kind, otherV2?.location], ['update', other?.location]);
    assert.deepEqual(
      (await engine.findDelivery('soc:inc-2'))?.activityId,
      other?.location?.activityId,
    );
  });

  it('records the card that starts a SOC thread by its activity, and only such cards', async () => {
    const { engine } = setup();
    const socKey = `soc:${T}:inc-1:${soc.conversationId}`;
    await engine.enqueue([
      send('soc-card', soc, { messageKey: socKey }),
      send('contact-card', alice, { messageKey: `contact:${T}:inc-1:alice` }),
    ]);
    await engine.drain();
    const card = await engine.findDelivery(socKey);
    const contact = await engine.findDelivery(`contact:${T}:inc-1:alice`);
    assert.ok(card && contact);
    // A reply names the thread ("<channel>;messageid=<root>") and its root activity.
    const thread = `${soc.conversationId};messageid=${card.activityId}`;
    assert.equal(await engine.findThreadRoot('soc', T, thread, card.activityId), socKey);
    assert.equal(
      await engine.findThreadRoot('soc', T.toUpperCase(), thread, card.activityId),
      socKey,
    );
    assert.equal(await engine.findThreadRoot('soc', 'other', thread, card.activityId), undefined);
    assert.equal(
      await engine.findThreadRoot('contact', T, contact.conversationId, contact.activityId),
      undefined,
    );
  });

  it('posts a reply into the thread of the recorded root message', async () => {
    const { engine, messenger } = setup();
    await engine.enqueue([
      send('root', soc, { key: 'soc', messageKey: 'thread:inc-1' }),
      send('reply', soc, { key: 'soc', replyTo: 'thread:inc-1' }),
    ]);
    await engine.drain();
    const [root, reply] = messenger.calls;
    assert.deepEqual(reply?.replyTo, root?.location);
  });

  it('after a crash, sends again only the job that was in flight', async () => {
    const store = new MemoryStore();
    const first = setup({ store, concurrency: 1 });
    let release = (): void => undefined;
    first.messenger.gate = (call) =>
      call.text === 'j2' ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    await first.engine.enqueue(['j1', 'j2', 'j3'].map((id) => send(id, alice, { key: id })));
    first.engine.start();
    while (first.messenger.calls.length < 2) await new Promise((r) => setImmediate(r));
    // The process "dies" here: j2 reached Teams, its delivery was never recorded.

    const second = setup({ store });
    await second.engine.drain();
    assert.deepEqual(texts(first.messenger.calls), ['j1', 'j2']);
    assert.deepEqual(texts(second.messenger.calls), ['j2', 'j3']);
    assert.equal(second.logger.matching('warn', 'in flight when the process stopped').length, 2);
    // The first engine stands for the dead process, yet it runs on: end its call and stop it, or
    // its poll loop (the fake clock never waits) spins on for the rest of the mocha process.
    release();
    await first.engine.stop();
  });

  it('stop() lets calls in progress finish; a new engine goes on without repeats', async () => {
    const store = new MemoryStore();
    const first = setup({ store, concurrency: 2 });
    const jobs = Array.from({ length: 10 }, (_, i) => send(`j${i}`, { ...alice, userId: `u${i}` }));
    await first.engine.enqueue(jobs);
    let stopping: Promise<void> | undefined;
    first.messenger.gate = async () => {
      if (first.messenger.calls.length === 4) stopping ??= first.engine.stop();
      await new Promise((r) => setImmediate(r));
    };
    first.engine.start();
    while (!stopping) await new Promise((r) => setImmediate(r));
    await stopping;

    const second = setup({ store });
    await second.engine.drain();
    const all = [...texts(first.messenger.calls), ...texts(second.messenger.calls)];
    assert.deepEqual([...all].sort(), jobs.map((j) => j.id).sort());
    assert.ok(first.messenger.calls.length >= 4 && first.messenger.calls.length < 10);
  });

  it('stop() abandons a call still waiting for a rate-limit slot without counting it', async () => {
    const { engine, messenger } = setup();
    messenger.gate = (_call, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal?.addEventListener('abort', () =>
          reject(new MessengerError('stopped', { status: 0, code: 'Aborted' })),
        );
      });
    await engine.enqueue([send('j1', alice)]);
    engine.start();
    while (messenger.calls.length === 0) await new Promise((r) => setImmediate(r));
    await engine.stop();

    const [job] = await engine.listJobs();
    assert.deepEqual([job?.status, job?.attempts], ['pending', 0]);
  });

  it('rejects a malformed job at enqueue', async () => {
    const { engine } = setup();
    const bad = { ...send('j1', alice), target: { kind: 'personal', tenantId: T } };
    await assert.rejects(engine.enqueue([bad as unknown as DeliveryJob]));
  });
});
