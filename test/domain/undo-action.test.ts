// Which containment offers its undo, and what the undo is: each state of the original action.
import assert from 'node:assert/strict';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import { isHandedBack } from '../../src/domain/managed-response.ts';
import type { ResponseAction } from '../../src/domain/response-action.ts';
import { allCustomerActionsDone } from '../../src/domain/actions-summary.ts';
import {
  isUndo,
  newUndoAction,
  undoBasis,
  undoOf,
  type UndoAction,
} from '../../src/domain/undo-action.ts';
import { alice, incident, manual, oneClick, T0, T1, TENANT } from './builders.ts';

function response(actions: ResponseAction[]): ManagedResponse {
  return {
    tenantId: TENANT,
    incidentId: '42',
    summary: {
      headline: 'h',
      narrative: 'n',
      severity: 'high',
      potentialImpact: 'p',
      timeline: [],
      indicatorsOfAttack: [],
      indicatorsOfCompromise: [],
    },
    actions,
    publishedAt: T0,
    updatedAt: T0,
  };
}

const isolated = { isolated: { by: 'Automated investigation' } };

describe('undo of a containment (domain)', () => {
  it('is offered on a completed isolation and a completed app restriction', () => {
    const iso = oneClick({ status: 'completed' });
    const apps = oneClick({ id: 'act-2', kind: 'restrictAppExecution', status: 'completed' });
    const r = response([iso, apps]);
    assert.equal(undoBasis(r, iso, undefined), 'completed');
    assert.equal(undoBasis(r, apps, undefined), 'completed');
  });

  it('is offered on a pending or failed isolation only when Defender reports the device isolated', () => {
    const pending = oneClick();
    const failed = oneClick({ id: 'act-2', status: 'failed' });
    const r = response([pending, failed]);
    assert.equal(undoBasis(r, pending, undefined), undefined);
    assert.equal(undoBasis(r, pending, {}), undefined);
    assert.equal(undoBasis(r, pending, isolated), 'alreadyContained');
    assert.equal(undoBasis(r, failed, isolated), 'alreadyContained');
    const restrict = oneClick({ id: 'act-3', kind: 'restrictAppExecution' });
    assert.equal(undoBasis(r, restrict, isolated), undefined, 'isolated is not restricted');
  });

  it('is never offered while in progress, on other kinds, manual actions, or twice', () => {
    const running = oneClick({ status: 'inProgress' });
    const quarantine = oneClick({ id: 'q', kind: 'quarantineFile', status: 'completed' });
    const release = oneClick({ id: 'rel', kind: 'releaseFromIsolation', status: 'completed' });
    const done = oneClick({ id: 'done', status: 'completed' });
    const undo: UndoAction = { ...newUndoAction(done, T1), status: 'completed' };
    const r = response([running, quarantine, release, done, manual(), undo]);
    assert.equal(undoBasis(r, running, isolated), undefined);
    assert.equal(undoBasis(r, quarantine, undefined), undefined);
    assert.equal(undoBasis(r, release, undefined), undefined);
    assert.equal(undoBasis(r, manual(), undefined), undefined);
    assert.equal(undoBasis(r, done, undefined), undefined, 'already undone');
    assert.equal(undoBasis(r, undo, undefined), undefined, 'no undo of an undo');
    assert.equal(undoOf(r, 'done')?.id, 'undo-done');
  });

  it('builds the undo as its own pending action on the same device, linked to the original', () => {
    const original = oneClick({ status: 'completed' });
    const undo = newUndoAction(original, T1);
    assert.deepEqual(
      {
        id: undo.id,
        kind: undo.kind,
        status: undo.status,
        reverses: undo.reverses,
        target: undo.target,
        title: undo.title,
      },
      {
        id: 'undo-act-1',
        kind: 'releaseFromIsolation',
        status: 'pending',
        reverses: 'act-1',
        target: { kind: 'device', deviceId: 'dev-1', deviceName: 'PROD-SRV-01' },
        title: 'Release PROD-SRV-01 from isolation',
      },
    );
    const apps = newUndoAction(oneClick({ kind: 'restrictAppExecution', status: 'completed' }), T1);
    assert.equal(apps.kind, 'removeAppRestriction');
    assert.ok(isUndo(apps));
    assert.throws(() => newUndoAction(oneClick({ kind: 'quarantineFile' }), T1), TypeError);
  });

  it('leaves the hand-back rule to the experts recommendations', () => {
    const done = oneClick({ status: 'completed', updatedBy: alice, updatedAt: T1 });
    const running: UndoAction = { ...newUndoAction(done, T1), status: 'inProgress' };
    const r = response([done, running]);
    assert.equal(allCustomerActionsDone(r.actions), true, 'an undo in progress is not pending');
    assert.equal(isHandedBack(r, incident()), isHandedBack(response([done]), incident()));
  });
});
