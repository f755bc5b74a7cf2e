import assert from 'node:assert/strict';
import sinon from 'sinon';
import { applyActionEvent } from '../../../src/domain/action-state-machine.ts';
import { ConflictingActionError } from '../../../src/domain/errors.ts';
import { replaceAction, type ManagedResponse } from '../../../src/domain/managed-response.ts';
import type { OneClickAction } from '../../../src/domain/response-action.ts';
import {
  DEVICE_ACTIONS,
  DeviceActionIndex,
  deviceActionsKey,
  type DeviceActionsRecord,
} from '../../../src/features/managed-response/device-action-index.ts';
import {
  MANAGED_RESPONSES,
  ManagedResponseRepository,
} from '../../../src/shared/managed-response-repository.ts';
import { StoreConflictError } from '../../../src/store/store.ts';
import { cardOf, oneClick, publish, texts } from './card-helpers.ts';
import { caller, expert, isolate, publication, release } from './fixtures.ts';
import { contoso, DEVICE, harness, incident, TENANT, type Harness } from './harness.ts';

const FIRST = '2972403';
const SECOND = '2972500';
const alex = { userId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c', name: 'Alex Wilber' };
const key = deviceActionsKey(TENANT, DEVICE);

async function indexRecord(h: Harness) {
  return (await h.store.get<DeviceActionsRecord>(DEVICE_ACTIONS, key))?.value;
}

async function response(h: Harness, incidentId: string) {
  const record = await new ManagedResponseRepository(h.store).get(TENANT, incidentId);
  assert.ok(record, `no response for ${incidentId}`);
  return record;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

function started(r: ManagedResponse, actionId: string): ManagedResponse {
  const action = r.actions.find((a) => a.id === actionId) as OneClickAction;
  const { action: next } = applyActionEvent(
    action,
    { type: 'start' },
    alex,
    '2026-03-02T09:40:00Z',
  );
  return replaceAction(r, next, '2026-03-02T09:40:00Z');
}

describe('managed response: in-progress actions by device', () => {
  let h: Harness;
  let index: DeviceActionIndex;
  beforeEach(async () => {
    h = await harness({
      incidents: [incident(), incident({ id: SECOND, title: 'Loader on prod-server-01' })],
    });
    await publish(h, [isolate]);
    await h.feature.publishing.publish(TENANT, SECOND, publication([release]), expert);
    await h.settle();
    index = new DeviceActionIndex(h.store, new ManagedResponseRepository(h.store));
  });

  it('indexes an action while it runs and drops it when it finishes', async () => {
    h.defender.machineActions.autoFinish = undefined;
    await h.feature.cards.act('runAction', caller(), {
      incidentId: FIRST,
      actionId: 'act-isolate',
    });
    assert.deepEqual((await indexRecord(h))?.actions, [
      { incidentId: FIRST, actionId: 'act-isolate' },
    ]);
    await waitFor(async () => (await oneClick(h, 'act-isolate')).machineActionId === 'ma-1');
    h.defender.machineActions.finish('ma-1', 'completed');
    await h.settle();
    assert.equal((await oneClick(h, 'act-isolate')).status, 'completed');
    assert.equal(await indexRecord(h), undefined, 'the device record is gone');
  });

  it("refuses a release in another incident while the isolation runs, without reading the tenant's responses", async () => {
    h.defender.machineActions.autoFinish = undefined;
    await h.feature.cards.act('runAction', caller(), {
      incidentId: FIRST,
      actionId: 'act-isolate',
    });
    const list = sinon.spy(h.store, 'list');
    const card = cardOf(
      await h.feature.cards.act('runAction', caller(), {
        incidentId: SECOND,
        actionId: 'act-release',
      }),
    );
    const listed = list.getCalls().map((c) => c.args[0]);
    list.restore();
    assert.match(
      texts(card),
      /cannot start while "Isolate prod-server-01" is in progress on prod-server-01/,
    );
    assert.ok(!listed.includes(MANAGED_RESPONSES), `listed ${listed.join(', ')}`);
    const releaseAction = (await response(h, SECOND)).value.actions[0];
    assert.equal(releaseAction?.status, 'pending');
    await h.feature.executor.stop();
    assert.deepEqual(
      h.defender.machineActions.runs.map((r) => r.kind),
      ['isolateDevice'],
    );
  });

  it('refuses at the write an action that became conflicting after its check', async () => {
    const first = await response(h, FIRST);
    const second = await response(h, SECOND);
    // Both clicks checked an idle device; the isolation's write lands first.
    const isolating = started(first.value, 'act-isolate');
    const releasing = started(second.value, 'act-release');
    const releaseOps = index.opsFor(second.value, releasing);
    await h.store.batch([
      { kind: 'put', collection: MANAGED_RESPONSES, key: first.key, value: isolating },
      ...(await index.opsFor(first.value, isolating)),
    ]);
    await assert.rejects(index.opsFor(second.value, releasing), ConflictingActionError);
    // Ops computed before the isolation's write lose the compare-and-set on the device record.
    await assert.rejects(h.store.batch(await releaseOps), StoreConflictError);
  });

  it('repairs the index of a store written before it, then refuses the conflict', async () => {
    const first = await response(h, FIRST);
    await new ManagedResponseRepository(h.store).put(
      started(first.value, 'act-isolate'),
      first.version,
    );
    assert.equal(await indexRecord(h), undefined);
    assert.equal(await index.repair([contoso()]), 1);
    assert.equal(await index.repair([contoso()]), 0, 'nothing left to repair');
    const card = cardOf(
      await h.feature.cards.act('runAction', caller(), {
        incidentId: SECOND,
        actionId: 'act-release',
      }),
    );
    assert.match(texts(card), /cannot start while "Isolate prod-server-01" is in progress/);
  });

  it('lets a stale entry block nothing and drops it at the next write', async () => {
    await h.store.put(DEVICE_ACTIONS, key, {
      tenantId: TENANT,
      deviceId: DEVICE,
      actions: [{ incidentId: FIRST, actionId: 'act-isolate' }],
    } satisfies DeviceActionsRecord);
    h.defender.machineActions.autoFinish = undefined;
    const card = cardOf(
      await h.feature.cards.act('runAction', caller(), {
        incidentId: SECOND,
        actionId: 'act-release',
      }),
    );
    assert.match(texts(card), /Started "Release prod-server-01"/);
    assert.deepEqual((await indexRecord(h))?.actions, [
      { incidentId: SECOND, actionId: 'act-release' },
    ]);
    await h.feature.executor.stop();
  });

  it('lets the periodic sweep resume, from the index alone, an action whose run stopped', async () => {
    h.defender.machineActions.autoFinish = undefined;
    await h.feature.cards.act('runAction', caller(), {
      incidentId: FIRST,
      actionId: 'act-isolate',
    });
    await waitFor(async () => (await oneClick(h, 'act-isolate')).machineActionId === 'ma-1');
    await h.feature.executor.stop(); // the run polling Defender is gone, the action still runs
    h.defender.machineActions.finish('ma-1', 'completed');
    const list = sinon.spy(h.store, 'list');
    await h.feature.executor.resumeListed((tenantId) => index.listForTenant(tenantId));
    await h.settle();
    const listed = list.getCalls().map((c) => c.args[0]);
    list.restore();
    assert.equal((await oneClick(h, 'act-isolate')).status, 'completed');
    assert.ok(!listed.includes(MANAGED_RESPONSES), `listed ${listed.join(', ')}`);
    assert.equal(await indexRecord(h), undefined);
    assert.equal(h.defender.machineActions.runs.length, 1, 'followed, not started again');
  });
});
