import assert from 'node:assert/strict';
import { applyActionEvent } from '../../../src/domain/action-state-machine.ts';
import { replaceAction } from '../../../src/domain/managed-response.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import { machineActionComment } from '../../../src/features/managed-response/start-machine-action.ts';
import { pollMachineAction } from '../../../src/features/managed-response/poll-machine-action.ts';
import type { OneClickAction } from '../../../src/domain/response-action.ts';
import { isolate } from './fixtures.ts';
import { action, publish, stored } from './card-helpers.ts';
import {
  contoso,
  FakeDefender,
  FakeMachineActions,
  harness,
  incident,
  TENANT,
  type Harness,
} from './harness.ts';
import type { AttemptMarker } from '../../../src/defender/machine-actions-client.ts';
import type { OneClickKind } from '../../../src/domain/response-action.ts';

const alex = { userId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c', name: 'Alex Wilber' };

/** Leaves the action in progress as a crash right after the click's write would. */
async function startedBeforeCrash(h: Harness, machineActionId?: string) {
  const repository = new ManagedResponseRepository(h.store);
  const record = (await repository.get(TENANT, '2972403'))!;
  const current = record.value.actions[0] as OneClickAction;
  let { action: next } = applyActionEvent(current, { type: 'start' }, alex, '2026-03-02T09:40:00Z');
  if (machineActionId) {
    next = applyActionEvent(
      next,
      { type: 'defenderAccepted', machineActionId },
      alex,
      '2026-03-02T09:40:01Z',
    ).action;
  }
  await repository.put(replaceAction(record.value, next, '2026-03-02T09:40:01Z'), record.version);
  return next;
}

describe('managed response: background execution after a restart', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await publish(h, [isolate]);
  });

  it('starts an action the crash left without a Defender id, once', async () => {
    await startedBeforeCrash(h);
    assert.equal(await h.feature.executor.resume(), 1);
    await h.settle();
    assert.equal(h.defender.machineActions.runs.length, 1);
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
  });

  it('recognises its own machine action by the comment instead of starting another', async () => {
    const started = await startedBeforeCrash(h);
    // Defender took the request, but the crash came before its id was stored.
    const state = await h.defender.machineActions.runAction({
      kind: 'isolateDevice',
      deviceId: started.target.kind === 'none' ? '' : started.target.deviceId,
      comment: machineActionComment(started, '2972403'),
    });
    h.defender.machineActions.autoFinish = { status: 'completed' };
    await h.feature.executor.resume();
    await h.settle();
    assert.equal(h.defender.machineActions.runs.length, 1, 'no second run');
    const done = await action(h, 'act-isolate');
    assert.equal(done.status, 'completed');
    assert.equal(done.kind === 'manual' ? '' : done.machineActionId, state.id);
    const text = JSON.stringify(await stored(h));
    assert.doesNotMatch(text, /alreadyRunning/, "our own action is not reported as someone else's");
  });

  it('only polls an action whose Defender id was stored', async () => {
    await h.defender.machineActions.runAction({
      kind: 'isolateDevice',
      deviceId: 'd',
      comment: 'c',
    });
    await startedBeforeCrash(h, 'ma-1');
    await h.feature.executor.resume();
    await h.settle();
    assert.equal(h.defender.machineActions.runs.length, 1);
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
  });
});

/** Defender calls that wait (as behind a full rate limit) until let go, or until aborted. */
class QueuedMachineActions extends FakeMachineActions {
  held = true;
  waiting = 0;
  override async findPendingAction(
    deviceId: string,
    kind: OneClickKind,
    attempt?: AttemptMarker,
    signal?: AbortSignal,
  ) {
    if (this.held) {
      this.waiting += 1;
      await new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      }).finally(() => (this.waiting -= 1));
    }
    return super.findPendingAction(deviceId, kind);
  }
}

describe('managed response: stopping while a start waits for Defender', () => {
  it('stops at once, records no failure, and the next start runs the action once', async () => {
    const queued = new QueuedMachineActions();
    const known = new Map([[incident().id, incident()]]);
    const h = await harness({ defender: new FakeDefender(contoso(), known, queued) });
    await publish(h, [isolate]);
    await startedBeforeCrash(h);
    await h.feature.executor.resume();
    while (queued.waiting === 0) await new Promise((resolve) => setImmediate(resolve));

    await h.feature.executor.stop(); // on the old code this waits for the held call: a timeout
    assert.equal(queued.waiting, 0);
    const left = await action(h, 'act-isolate');
    assert.equal(left.status, 'inProgress', 'not reported as failed');
    assert.equal('machineActionId' in left ? left.machineActionId : undefined, undefined);
    assert.equal(queued.runs.length, 0);

    queued.held = false;
    await h.feature.executor.resume();
    await h.settle();
    assert.equal(queued.runs.length, 1);
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
  });
});

describe('pollMachineAction', () => {
  it('backs off between polls and gives up after the timeout with a reason', async () => {
    const client = new FakeMachineActions();
    client.autoFinish = undefined;
    const { id } = await client.runAction({ kind: 'isolateDevice', deviceId: 'd', comment: 'c' });
    let ms = 0;
    const waits: number[] = [];
    const outcome = await pollMachineAction(client, id, {
      initialMs: 100,
      factor: 2,
      maxMs: 400,
      timeoutMs: 1_500,
      now: () => new Date(ms),
      sleep: async (delay) => {
        waits.push(delay);
        ms += delay;
      },
    });
    assert.deepEqual(waits, [100, 200, 400, 400, 400]);
    assert.equal(outcome?.status, 'failed');
    assert.match(outcome?.failureReason ?? '', /no outcome within 1500 ms/);
  });
});
