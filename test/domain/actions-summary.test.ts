import assert from 'node:assert/strict';
import { actionsSummary, allCustomerActionsDone } from '../../src/domain/action-state-machine.ts';
import { pendingActionsCount } from '../../src/domain/actions-summary.ts';
import { newUndoAction } from '../../src/domain/undo-action.ts';
import { manual, oneClick, onDevice, T1 } from './builders.ts';

describe('actions summary', () => {
  it('counts actions by status', () => {
    const actions = [
      onDevice('1', 'isolateDevice', 'pending'),
      onDevice('2', 'quarantineFile', 'inProgress'),
      onDevice('3', 'restrictAppExecution', 'completed'),
      onDevice('4', 'releaseFromIsolation', 'failed'),
      manual({ id: '5', status: 'skipped' }),
      manual({ id: '6', status: 'completed' }),
      manual({ id: '7', status: 'pending' }),
    ];
    assert.deepEqual(actionsSummary(actions), {
      pending: 2,
      inProgress: 1,
      completed: 2,
      failed: 1,
      skipped: 1,
    });
  });

  it('all customer actions are done only when each is completed or skipped', () => {
    const done = [onDevice('1', 'isolateDevice', 'completed'), manual({ status: 'skipped' })];
    assert.equal(allCustomerActionsDone(done), true);
    for (const status of ['pending', 'inProgress', 'failed'] as const) {
      const open = [...done, onDevice('x', 'quarantineFile', status)];
      assert.equal(allCustomerActionsDone(open), false, `${status} is not done`);
    }
    assert.equal(allCustomerActionsDone([...done, manual({ id: 'm', status: 'pending' })]), false);
  });

  it('treats a response without actions as done (nothing is left for the customer)', () => {
    assert.equal(allCustomerActionsDone([]), true);
  });

  it('counts the experts’ open actions out of theirs, never an undo whatever its status', () => {
    const isolated = oneClick({ status: 'completed' });
    const experts = [isolated, manual({ id: 'm', status: 'pending' })];
    assert.deepEqual(pendingActionsCount(experts), { open: 1, total: 2 });
    for (const status of ['pending', 'inProgress', 'completed', 'failed'] as const) {
      const undo = { ...newUndoAction(isolated, T1), status };
      assert.deepEqual(pendingActionsCount([...experts, undo]), { open: 1, total: 2 }, status);
    }
    assert.deepEqual(pendingActionsCount([]), { open: 0, total: 0 });
  });
});
