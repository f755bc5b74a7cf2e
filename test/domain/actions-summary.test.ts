import assert from 'node:assert/strict';
import { actionsSummary, allCustomerActionsDone } from '../../src/domain/action-state-machine.ts';
import { manual, onDevice } from './builders.ts';

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
});
