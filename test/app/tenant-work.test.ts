// Tenant ownership wired to the background work (src/app/tenant-work.ts): a real IncidentWatcher
// and a real DeliveryEngine on one store, an ownership the test gains and loses by hand. Only the
// owned tenants are polled and delivered; jobs of other tenants wait in the store for their owner.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LocalOwnership } from '../../src/cluster/local-ownership.ts';
import { tenantWork, type TenantWork } from '../../src/app/tenant-work.ts';
import { loadConfig } from '../../src/config.ts';
import { DeliveryEngine } from '../../src/delivery/delivery-engine.ts';
import { TeamsRateGate } from '../../src/delivery/teams-rate-gate.ts';
import {
  deliveryTargetKey,
  type DeliveryJob,
  type DeliveryTarget,
} from '../../src/delivery/delivery-job.ts';
import { TEAMS_PACING } from '../../src/delivery/pacing-record.ts';
import { IncidentWatcher } from '../../src/watcher/incident-watcher.ts';
import { Outbox } from '../../src/watcher/outbox.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { FakeMessenger } from '../delivery/fake-messenger.ts';
import { RecordingLogger } from '../delivery/recording-logger.ts';
import { FakeIncidentSource, incident, tenant, TENANT_A, TENANT_B } from '../watcher/fakes.ts';
import { FakeOwnership } from '../cluster/fake-ownership.ts';

const config = loadConfig({});
type WarmsUp = Pick<TeamsRateGate, 'warmUp' | 'snapshot' | 'seed'>;
const TENANTS = [tenant(TENANT_A, 'Contoso'), tenant(TENANT_B, 'Fabrikam')];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await pause(5);
  }
};

function job(id: string, tenantId: string, userId = `user-${id}`): DeliveryJob {
  const target: DeliveryTarget = { kind: 'personal', tenantId, userId };
  return {
    id,
    orderingKey: `${tenantId}:${id}`,
    target,
    operation: { kind: 'send', activity: { text: id } },
    createdAt: '2026-03-01T08:00:00.000Z',
  };
}

describe('tenant work follows ownership', function () {
  this.timeout(20_000);
  let store: MemoryStore;
  let sources: Record<string, FakeIncidentSource>;
  let messenger: FakeMessenger;
  let running: { watcher: IncidentWatcher; delivery: DeliveryEngine; work: TenantWork }[];

  beforeEach(() => {
    store = new MemoryStore();
    sources = { [TENANT_A]: new FakeIncidentSource(), [TENANT_B]: new FakeIncidentSource() };
    sources[TENANT_A]!.set(incident('1'));
    sources[TENANT_B]!.set(incident('2'));
    messenger = new FakeMessenger();
    running = [];
  });
  afterEach(async () => {
    for (const { watcher, delivery, work } of running) {
      await work.stop();
      await watcher.stop();
      await delivery.stop();
    }
  });

  async function instance(ownership?: FakeOwnership | LocalOwnership, rateGate?: WarmsUp) {
    const logger = new RecordingLogger();
    const work = await tenantWork(config, {
      ...(ownership ? { ownership } : {}),
      tenants: TENANTS,
      logger,
      ...(rateGate ? { rateGate } : {}),
    });
    const watcher = new IncidentWatcher({
      store,
      outbox: new Outbox(store, { owns: work.owns }),
      tenants: TENANTS,
      incidentsFor: (id) => sources[id]!,
      intervalMs: 20,
      owns: work.owns,
    });
    const delivery = new DeliveryEngine({
      store,
      messenger,
      logger,
      pollIntervalMs: 10,
      owns: work.owns,
    });
    work.attach({ watcher, delivery });
    delivery.start();
    watcher.start();
    await work.start();
    running.push({ watcher, delivery, work });
    return { watcher, delivery, work };
  }

  const sentTexts = () => messenger.calls.filter((c) => !c.error).map((c) => c.text);
  const polls = (tenantId: string) => sources[tenantId]!.calls.length;
  const jobStatus = async (id: string) =>
    (await store.list<{ status: string }>('deliveryJobs')).find(
      (r) => decodeURIComponent(r.key) === id,
    )?.value.status;

  it('polls and delivers a tenant only while owned; its jobs wait in the store meanwhile', async () => {
    const ownership = new FakeOwnership();
    const { delivery } = await instance(ownership);
    await delivery.enqueue([job('a1', TENANT_A), job('b1', TENANT_B)]);
    await pause(150);
    assert.deepEqual(sentTexts(), [], 'nothing is owned yet');
    assert.equal(polls(TENANT_A) + polls(TENANT_B), 0);

    await ownership.gain(TENANT_A);
    await until(
      'a1 delivered and A polled',
      () => sentTexts().includes('a1') && polls(TENANT_A) > 0,
    );
    await pause(100);
    assert.deepEqual(sentTexts(), ['a1']);
    assert.equal(polls(TENANT_B), 0, 'B is not owned here');

    await ownership.lose(TENANT_A);
    const pollsOfA = polls(TENANT_A);
    await delivery.enqueue([job('a2', TENANT_A)]);
    await pause(150);
    assert.equal(polls(TENANT_A), pollsOfA, 'no poll of A once lost');
    assert.deepEqual(sentTexts(), ['a1'], 'a2 waits for the owner of A');

    await ownership.gain(TENANT_B);
    await until('b1 delivered', () => sentTexts().includes('b1'));
    await ownership.gain(TENANT_A);
    await until('a2 delivered', () => sentTexts().includes('a2'));
    assert.deepEqual([...sentTexts()].sort(), ['a1', 'a2', 'b1'], 'each job once');
  });

  it('hands a tenant over: the next owner takes its stored jobs and inbox, nothing twice', async () => {
    const first = new FakeOwnership('first');
    const second = new FakeOwnership('second');
    const one = await instance(first);
    const two = await instance(second);
    await first.gain(TENANT_A);
    await until('A polled by the first', () => polls(TENANT_A) > 0);
    await one.delivery.enqueue([job('a1', TENANT_A)]);
    await until('a1 delivered', () => sentTexts().includes('a1'));

    await first.lose(TENANT_A, 'released');
    await two.delivery.enqueue([job('a2', TENANT_A), job('a3', TENANT_A)]); // through the inbox
    await pause(100);
    assert.deepEqual(sentTexts(), ['a1']);
    await second.gain(TENANT_A);
    await until('a2, a3 delivered', () => sentTexts().length === 3);
    await pause(100);
    assert.deepEqual(sentTexts(), ['a1', 'a2', 'a3']);
  });

  it('re-queues parked jobs on the owner when another instance learns the target is reachable', async () => {
    const owner = new FakeOwnership('owner');
    const other = new FakeOwnership('other');
    const one = await instance(owner);
    const two = await instance(other);
    await owner.gain(TENANT_A);
    const parked = job('a1', TENANT_A);
    messenger.fail({ status: 403 }, { target: parked.target });
    await one.delivery.enqueue([parked]);
    await until('a1 parked', () => messenger.calls.length === 1);
    await until('a1 stored as parked', async () => (await jobStatus('a1')) === 'parked');
    // The app is reinstalled: the installation activity reaches the instance that does not own A.
    assert.equal(await two.delivery.markReachable(parked.target), 0);
    await until('a1 delivered by the owner', () => sentTexts().includes('a1'));
    assert.deepEqual(sentTexts(), ['a1']);
    assert.deepEqual(await store.list('deliveryReachable'), [], 'the notice is taken in');
  });

  it('sends jobs of a tenant outside the customer list from the owner of the first tenant', async () => {
    const ownership = new FakeOwnership();
    const { delivery, work } = await instance(ownership);
    const [first, other] = [TENANT_A, TENANT_B].sort();
    assert.equal(work.owns('experts-tenant'), false);
    await ownership.gain(other!);
    await delivery.enqueue([job('x1', 'experts-tenant')]);
    await pause(100);
    assert.deepEqual(sentTexts(), []);
    await ownership.gain(first!);
    await until('x1 delivered', () => sentTexts().includes('x1'));
    assert.equal(work.owns('EXPERTS-TENANT'), true);
    assert.equal(work.owns(first!.toUpperCase()), true, 'tenant ids compare case-insensitively');
  });

  it('warms up the Teams pacing of a gained tenant before it adopts its jobs', async () => {
    const steps: string[] = [];
    const warmedUp: ((tenantId: string) => boolean)[] = [];
    const rateGate: WarmsUp = {
      warmUp(matches) {
        steps.push('warm up');
        warmedUp.push(matches);
      },
      // No store is given: nothing is handed over.
      snapshot: () => Promise.reject(new Error('not handed over')),
      seed: () => Promise.reject(new Error('not handed over')),
    };
    const ownership = new FakeOwnership();
    const { delivery } = await instance(ownership, rateGate);
    const adopt = delivery.adoptTenant.bind(delivery);
    delivery.adoptTenant = (matches) => {
      steps.push('adopt');
      return adopt(matches);
    };
    const [first, other] = [TENANT_A, TENANT_B].sort() as [string, string];
    await ownership.gain(other);
    assert.deepEqual(steps, ['warm up', 'adopt']);
    await ownership.gain(first);
    assert.deepEqual(steps, ['warm up', 'adopt', 'warm up', 'adopt']);
    const [ofOther, ofFirst] = warmedUp as [(id: string) => boolean, (id: string) => boolean];
    assert.equal(ofOther(other), true);
    assert.equal(ofOther(other.toUpperCase()), true, 'tenant ids compare case-insensitively');
    assert.equal(ofOther(first), false, 'only the tenant gained');
    assert.equal(ofOther('experts-tenant'), false);
    assert.equal(ofFirst('experts-tenant'), true, "the experts' channel follows the first tenant");
  });

  it('with LocalOwnership owns every tenant once started', async () => {
    const { delivery, work } = await instance(new LocalOwnership(TENANTS.map((t) => t.tenantId)));
    await delivery.enqueue([job('a1', TENANT_A), job('b1', TENANT_B)]);
    await until('both delivered', () => sentTexts().length === 2);
    await until('both polled', () => polls(TENANT_A) > 0 && polls(TENANT_B) > 0);
    assert.deepEqual(work.ownership.owned().sort(), [TENANT_A, TENANT_B].sort());
  });

  it('gates nothing in the embedded default (no ownership, CLUSTER=single)', async () => {
    const logger = new RecordingLogger();
    const work = await tenantWork(config, { tenants: TENANTS, logger });
    assert.equal(work.owns(TENANT_A), true, 'before start too: pieces driven by hand work');
    assert.equal(work.owns('anyone'), true);
    await work.start();
    assert.deepEqual(work.ownership.owned().sort(), [TENANT_A, TENANT_B].sort());
    await work.stop();
  });
});

describe('Teams pacing across a takeover', function () {
  this.timeout(60_000);
  // The default windows with 10 per 5 min instead of 128, so a conversation reaches it quickly.
  const limits = {
    perConversation: [
      { points: 1, durationMs: 300 },
      { points: 3, durationMs: 2_000 },
      { points: 10, durationMs: 300_000 },
    ],
    perTenant: [{ points: 2, durationMs: 44 }],
    quietAfterTakeoverMs: 2_000,
  };
  let clock: sinon.SinonFakeTimers;
  let store: MemoryStore;
  let stops: (() => Promise<void>)[];
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-03-01T08:00:00Z') });
    store = new MemoryStore();
    stops = [];
  });
  afterEach(async () => {
    for (const stop of stops) await settle(stop());
    clock.restore();
  });

  /** Runs the fake clock until `promise` settles. */
  async function settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const watched = promise.finally(() => {
      done = true;
    });
    while (!done) await clock.tickAsync(10);
    return watched;
  }
  async function until(what: string, check: () => boolean) {
    const deadline = Date.now() + 600_000;
    while (!check()) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await clock.tickAsync(10);
    }
  }

  /** An instance: its own gate, paced messenger, delivery and tenant work, on the shared store. */
  async function instance(name: string) {
    const ownership = new FakeOwnership(name);
    const gate = new TeamsRateGate(limits);
    const sent: { text: string | undefined; at: number }[] = [];
    const messenger = new FakeMessenger();
    messenger.gate = async (call, signal) => {
      const scope = {
        tenantId: call.target.tenantId,
        conversationKey: deliveryTargetKey(call.target),
      };
      await gate.acquire(scope, signal);
      sent.push({ text: call.text, at: Date.now() });
    };
    const logger = new RecordingLogger();
    const work = await tenantWork(config, {
      ownership,
      tenants: TENANTS,
      logger,
      rateGate: gate,
      store,
    });
    const watcher = new IncidentWatcher({
      store,
      outbox: new Outbox(store, { owns: work.owns }),
      tenants: [],
      incidentsFor: () => new FakeIncidentSource(),
      owns: work.owns,
    });
    const delivery = new DeliveryEngine({
      store,
      messenger,
      logger,
      pollIntervalMs: 100,
      owns: work.owns,
    });
    work.attach({ watcher, delivery });
    delivery.start();
    await work.start();
    stops.push(async () => {
      await work.stop();
      await delivery.stop();
    });
    return { ownership, gate, sent, delivery, logger };
  }
  const fill = (n: number, userId: string) =>
    Array.from({ length: n }, (_, i) => job(`${userId}-${i + 1}`, TENANT_A, userId));

  it("the next owner waits where the last one would have: the tenant's 5-min counts go along", async () => {
    const first = await instance('first');
    const second = await instance('second');
    await settle(first.ownership.gain(TENANT_A));
    await first.delivery.enqueue(fill(10, 'u1'));
    await until('ten sent to u1', () => first.sent.length === 10);
    // Where the first owner's gate lets the eleventh call to u1 go: when its 5-min window ends.
    const handed = await first.gate.snapshot((tenantId) => tenantId === TENANT_A.toLowerCase());
    const window = handed.conversations[0]?.windows.find(([ms]) => ms === 300_000);
    assert.equal(window?.[1], 10, 'the 5-min budget of u1 is used up');
    const freeAt = handed.takenAt + (window?.[2] ?? 0);

    await clock.tickAsync(5_000);
    await settle(first.ownership.lose(TENANT_A, 'released'));
    assert.ok(await store.get(TEAMS_PACING, TENANT_A.toLowerCase()), 'handed over on release');
    const gainedAt = Date.now();
    await settle(second.ownership.gain(TENANT_A));
    await second.delivery.enqueue([job('u1-11', TENANT_A, 'u1'), job('u2-1', TENANT_A, 'u2')]);
    await until('both sent by the second', () => second.sent.length === 2);
    const at = (text: string) => second.sent.find((s) => s.text === text)?.at ?? 0;
    assert.equal(at('u2-1') - gainedAt, 2_000, 'another conversation waits only for the warm-up');
    assert.ok(at('u1-11') >= freeAt, `u1 went ${freeAt - at('u1-11')} ms before its window ended`);
    assert.ok(at('u1-11') - freeAt < 200, `u1 waited ${at('u1-11') - freeAt} ms past its window`);
    assert.equal(second.logger.matching('info', 'taken over from the last owner').length, 1);
  });

  it('starts a tenant whose handed-over counts cannot be read, from empty counts', async () => {
    await store.put(TEAMS_PACING, TENANT_A.toLowerCase(), { takenAt: 'yesterday' });
    const owner = await instance('owner');
    await settle(owner.ownership.gain(TENANT_A));
    await owner.delivery.enqueue(fill(1, 'u1'));
    await until('sent', () => owner.sent.length === 1);
    assert.equal(owner.logger.matching('warn', 'paced from empty counts').length, 1);
  });

  it('writes the counts every 30 s while it sends, and not while it does not', async () => {
    const owner = await instance('owner');
    await settle(owner.ownership.gain(TENANT_A));
    const record = () => store.get<{ lastCallAt: number }>(TEAMS_PACING, TENANT_A.toLowerCase());
    await clock.tickAsync(30_000);
    assert.equal(await record(), undefined, 'nothing sent, nothing written');
    await owner.delivery.enqueue(fill(3, 'u1'));
    await until('three sent', () => owner.sent.length === 3);
    await clock.tickAsync(30_000);
    const written = await record();
    assert.equal(written?.value.lastCallAt, owner.sent[2]?.at, 'the newest call is in it');
    await clock.tickAsync(60_000);
    assert.equal((await record())?.version, written?.version, 'not written again while idle');
    await owner.delivery.enqueue(fill(1, 'u2'));
    await until('one more sent', () => owner.sent.length === 4);
    await clock.tickAsync(30_000);
    assert.equal((await record())?.value.lastCallAt, owner.sent[3]?.at);
  });
});

describe('tenant ownership start', () => {
  it('tries again until storage answers, and gives up on stop', async () => {
    const ownership = new FakeOwnership();
    let failures = 2;
    const started = ownership.start.bind(ownership);
    ownership.start = () =>
      failures-- > 0 ? Promise.reject(new Error('storage unreachable')) : started();
    const waits: number[] = [];
    const logger = new RecordingLogger();
    const work = await tenantWork(config, {
      ownership,
      tenants: TENANTS,
      logger,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await work.start();
    assert.equal(ownership.started, true);
    assert.deepEqual(waits, [1_000, 2_000]);
    assert.equal(logger.matching('error', 'did not start').length, 2);

    const never = new FakeOwnership();
    never.start = () => Promise.reject(new Error('storage unreachable'));
    const stuck = await tenantWork(config, {
      ownership: never,
      tenants: TENANTS,
      logger,
      sleep: (ms, signal) =>
        new Promise((resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
          setTimeout(resolve, ms);
        }),
    });
    const trying = stuck.start();
    await pause(20);
    await stuck.stop();
    await trying; // ended by stop, not by a success
    assert.equal(never.started, false);
  });
});

describe('delivery across instances', () => {
  it('drops a job another instance delivered instead of sending it again', async () => {
    const store = new MemoryStore();
    const messenger = new FakeMessenger();
    const logger = new RecordingLogger();
    const seed = new DeliveryEngine({ store, messenger, logger });
    await seed.enqueue([job('j1', TENANT_A)]);
    // Both load j1 (as on an overlap); the second sends it, the first finds it gone.
    const stale = new DeliveryEngine({ store, messenger, logger });
    await stale.adoptTenant(() => true);
    const other = new DeliveryEngine({ store, messenger, logger });
    await other.drain();
    assert.equal(messenger.calls.length, 1);
    await stale.drain();
    assert.equal(messenger.calls.length, 1, 'sent once');
    assert.equal(logger.matching('warn', 'finished elsewhere').length, 1);
  });
});
