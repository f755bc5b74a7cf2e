// Two app instances on one store, one Defender and one Teams, each with its own ownership
// (tenant-work.ts): the managed-response sweep, the polling of machine actions and the
// still-contained rounds run on the tenant's owner only; a click on the other instance starts the
// action and leaves its polling to the owner; a takeover resumes both at once.
import assert from 'node:assert/strict';
import type { RunDeviceActionRequest } from '../../src/defender/machine-actions-client.ts';
import type { OneClickKind } from '../../src/domain/response-action.ts';
import { FakeOwnership } from '../cluster/fake-ownership.ts';
import { caller, isolate } from '../features/managed-response/fixtures.ts';
import {
  action,
  actionsCards,
  oneClick,
  publish,
} from '../features/managed-response/card-helpers.ts';
import {
  contoso,
  FakeDefender,
  FakeMachineActions,
  harness,
  incident,
  RecordingMessenger,
  TENANT,
  type Harness,
} from '../features/managed-response/harness.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

const ids = { incidentId: '2972403', actionId: 'act-isolate' };
const HOUR = 3_600_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, check: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await pause(5);
  }
};

/** One instance's calls to the shared Defender machine actions. */
class InstanceMachineActions extends FakeMachineActions {
  readonly calls: Record<string, number> = {};
  constructor(private readonly shared: FakeMachineActions) {
    super();
  }
  #count(name: string) {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }
  override runAction(request: RunDeviceActionRequest) {
    this.#count('runAction');
    return this.shared.runAction(request);
  }
  override getAction(id: string) {
    this.#count('getAction');
    return this.shared.getAction(id);
  }
  override findPendingAction(deviceId: string, kind: OneClickKind) {
    this.#count('findPendingAction');
    return this.shared.findPendingAction(deviceId, kind);
  }
  override listDeviceActions(deviceId: string) {
    this.#count('listDeviceActions');
    return this.shared.listDeviceActions(deviceId);
  }
  total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }
}

interface Instance {
  h: Harness;
  ownership: FakeOwnership;
  defender: InstanceMachineActions;
}

describe('background work of a tenant runs on its owner only (two instances)', function () {
  this.timeout(20_000);
  let shared: FakeMachineActions;
  let a: Instance;
  let b: Instance;

  beforeEach(async () => {
    const store = new MemoryStore();
    const messenger = new RecordingMessenger();
    shared = new FakeMachineActions();
    const known = new Map([[incident().id, incident()]]);
    const instance = async (name: string, sweepIntervalMs?: number): Promise<Instance> => {
      const ownership = new FakeOwnership(name);
      const defender = new InstanceMachineActions(shared);
      const h = await harness({
        store,
        messenger,
        ownership,
        defender: new FakeDefender(contoso(), known, defender),
        ...(sweepIntervalMs ? { sweepIntervalMs } : {}),
      });
      return { h, ownership, defender };
    };
    a = await instance('a');
    b = await instance('b', 20);
    await a.ownership.gain(TENANT);
    await publish(a.h, [isolate]);
  });
  afterEach(async () => {
    await a.h.app.stop();
    await b.h.app.stop();
  });

  it('a click on the other instance starts the action once; only the owner polls it', async () => {
    shared.autoFinish = undefined;
    await b.h.feature.cards.act('runAction', caller(), ids);
    await b.h.feature.settle();
    assert.equal(shared.runs.length, 1, 'started by the instance that took the click');
    assert.equal((await oneClick(a.h, 'act-isolate')).machineActionId, 'ma-1');
    assert.equal(b.defender.calls['getAction'], undefined, 'the non-owner does not poll it');

    // The non-owner's sweeps (every 20 ms) find the action in progress and leave it alone.
    b.h.feature.start();
    const before = b.defender.total();
    await pause(150);
    assert.equal(b.defender.total(), before, "the non-owner's sweep made no Defender call");

    shared.finish('ma-1', 'completed');
    await a.h.feature.onTenantGained(TENANT); // what the owner's sweep does, without the wait
    await a.h.settle();
    assert.equal((await action(a.h, 'act-isolate')).status, 'completed');
    assert.equal(a.defender.calls['getAction'], 1);
    assert.equal(a.defender.calls['runAction'], undefined, 'the owner does not start it again');
  });

  it('a takeover resumes the action on the new owner at once; it completes on every copy', async () => {
    shared.autoFinish = undefined;
    await a.h.feature.cards.view(caller(), { tenantId: TENANT, incidentId: '2972403' });
    await a.h.delivery.drain();
    await a.h.feature.cards.act('runAction', caller(), ids);
    await until('the machine action id stored', async () =>
      Boolean((await oneClick(a.h, 'act-isolate')).machineActionId),
    );
    // The lease lapses on a: its poll stops at its next step; b takes the tenant over.
    await a.ownership.lose(TENANT);
    await a.h.feature.settle();
    const polledByA = a.defender.calls['getAction'] ?? 0;
    shared.autoFinish = { status: 'completed' };
    await b.ownership.gain(TENANT);
    await b.h.settle();

    assert.equal((await action(b.h, 'act-isolate')).status, 'completed');
    assert.equal(a.defender.calls['getAction'] ?? 0, polledByA, 'a polls no more once it lost');
    assert.ok((b.defender.calls['getAction'] ?? 0) >= 1, 'b polled it');
    assert.equal(shared.runs.length, 1, 'one machine action');
    const copies = actionsCards(b.h);
    assert.ok(copies.length >= 1);
    for (const copy of copies) assert.match(copy, /Completed · started by Alex Wilber/);
  });

  it('the still-contained round is read and sent by the owner only, at once on a takeover', async () => {
    await a.h.feature.cards.act('runAction', caller(), ids);
    await a.h.settle();
    assert.equal((await action(a.h, 'act-isolate')).status, 'completed');
    a.h.advance(25 * HOUR);
    b.h.advance(25 * HOUR);

    assert.deepEqual(await b.h.app.features.containment.tick(), { sent: 0, stopped: 0 });
    assert.equal(b.defender.calls['listDeviceActions'], undefined, 'the non-owner reads nothing');

    await a.ownership.lose(TENANT);
    await b.ownership.gain(TENANT); // wakes b's scheduler: no wait for its timer
    await until('the round sent', async () => {
      await b.h.delivery.drain();
      return stillContained(b.h) === 2;
    });
    assert.deepEqual(await b.h.app.features.containment.tick(), { sent: 0, stopped: 0 });
    assert.deepEqual(await a.h.app.features.containment.tick(), { sent: 0, stopped: 0 });
    await b.h.delivery.drain();
    assert.equal(stillContained(b.h), 2, 'the contact and the SOC channel, once');
    assert.equal(a.defender.calls['listDeviceActions'], undefined, 'a read nothing for it');
    assert.ok((b.defender.calls['listDeviceActions'] ?? 0) >= 1);
  });

  it('metrics report the owned tenants only, and drop a tenant lost', async () => {
    const scrape = async (i: Instance) => i.h.app.metrics.registry.metrics();
    const series = (text: string, name: string) =>
      text.split('\n').filter((line) => line.startsWith(`${name}{`) && line.includes(TENANT));
    const pending = (text: string) =>
      Number(/mrb_delivery_jobs\{status="pending"\} ([0-9]+)/.exec(text)?.[1] ?? NaN);
    await a.h.delivery.enqueue([
      {
        id: 'metrics-job',
        orderingKey: `${TENANT}:metrics`,
        target: { kind: 'personal', tenantId: TENANT, userId: 'someone' },
        operation: { kind: 'send', activity: { text: 'waiting' } },
        createdAt: a.h.now().toISOString(),
      },
    ]);
    a.h.app.metrics.observePoll(TENANT, true, 120, 1);

    let [onA, onB] = [await scrape(a), await scrape(b)];
    assert.equal(series(onA, 'mrb_watcher_poll_lag_seconds').length, 1);
    assert.equal(series(onB, 'mrb_watcher_poll_lag_seconds').length, 0, 'not owned by b');
    assert.equal(series(onB, 'mrb_watcher_consecutive_failures').length, 0);
    assert.equal(pending(onA), 1);
    assert.equal(pending(onB), 0, "b does not count a's tenant's jobs");

    await a.ownership.lose(TENANT);
    await b.ownership.gain(TENANT);
    [onA, onB] = [await scrape(a), await scrape(b)];
    assert.equal(series(onA, 'mrb_watcher_poll_lag_seconds').length, 0, 'dropped on lost');
    assert.equal(series(onA, 'mrb_watcher_poll_duration_seconds_count').length, 0);
    assert.equal(series(onA, 'mrb_watcher_events_total').length, 0);
    assert.equal(pending(onA), 0);
    assert.equal(series(onB, 'mrb_watcher_poll_lag_seconds').length, 1);
    assert.equal(pending(onB), 1, 'the new owner counts the job');
  });
});

function stillContained(h: Harness): number {
  return h.messenger.messages.filter((m) => JSON.stringify(m.activity).includes('Still contained'))
    .length;
}
