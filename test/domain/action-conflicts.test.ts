import assert from 'node:assert/strict';
import { assertNoConflict, conflictsWith } from '../../src/domain/action-state-machine.ts';
import { ConflictingActionError } from '../../src/domain/errors.ts';
import type { OneClickKind } from '../../src/domain/response-action.ts';
import { manual, oneClick, onDevice } from './builders.ts';

describe('conflicting response actions', () => {
  const conflicting: [OneClickKind, OneClickKind][] = [
    ['releaseFromIsolation', 'isolateDevice'],
    ['isolateDevice', 'releaseFromIsolation'],
    ['removeAppRestriction', 'restrictAppExecution'],
    ['restrictAppExecution', 'removeAppRestriction'],
    ['isolateDevice', 'isolateDevice'],
    ['quarantineFile', 'quarantineFile'],
    ['restrictAppExecution', 'restrictAppExecution'],
  ];
  for (const [kind, runningKind] of conflicting) {
    it(`${kind} conflicts with ${runningKind} in progress on the same device`, () => {
      const running = onDevice('running', runningKind, 'inProgress');
      const found = conflictsWith(onDevice('new', kind, 'pending'), [running]);
      assert.equal(found, running);
    });
  }

  const compatible: [OneClickKind, OneClickKind][] = [
    ['quarantineFile', 'isolateDevice'],
    ['isolateDevice', 'restrictAppExecution'],
    ['releaseFromIsolation', 'removeAppRestriction'],
  ];
  for (const [kind, runningKind] of compatible) {
    it(`${kind} may run beside ${runningKind}`, () => {
      const running = onDevice('running', runningKind, 'inProgress');
      assert.equal(conflictsWith(onDevice('new', kind, 'pending'), [running]), undefined);
    });
  }

  for (const status of ['pending', 'failed', 'completed'] as const) {
    it(`ignores an opposite action that is ${status}`, () => {
      const other = onDevice('other', 'isolateDevice', status);
      assert.equal(
        conflictsWith(onDevice('new', 'releaseFromIsolation', 'pending'), [other]),
        undefined,
      );
    });
  }

  it('ignores actions on other devices and compares device ids case-insensitively', () => {
    const elsewhere = onDevice('a', 'isolateDevice', 'inProgress', 'dev-2');
    const sameDevice = onDevice('b', 'isolateDevice', 'inProgress', 'DEV-1');
    const action = onDevice('new', 'releaseFromIsolation', 'pending', 'dev-1');
    assert.equal(conflictsWith(action, [elsewhere]), undefined);
    assert.equal(conflictsWith(action, [elsewhere, sameDevice]), sameDevice);
  });

  it('does not see an action as conflicting with itself', () => {
    const action = onDevice('same', 'isolateDevice', 'inProgress');
    assert.equal(conflictsWith(action, [action]), undefined);
  });

  it('never reports conflicts for manual actions or actions without a device', () => {
    const running = onDevice('running', 'isolateDevice', 'inProgress');
    assert.equal(conflictsWith(manual(), [running]), undefined);
    const noTarget = oneClick({ id: 'x', kind: 'isolateDevice', target: { kind: 'none' } });
    assert.equal(conflictsWith(noTarget, [running]), undefined);
  });

  it('assertNoConflict names the blocking action and device', () => {
    const running = onDevice('running', 'isolateDevice', 'inProgress');
    const action = onDevice('new', 'releaseFromIsolation', 'pending');
    assert.throws(
      () => assertNoConflict(action, [running]),
      (e: unknown) =>
        e instanceof ConflictingActionError &&
        e.code === 'CONFLICTING_ACTION' &&
        e.actionId === 'new' &&
        e.conflictingActionId === 'running' &&
        e.message.includes('DEV-1'),
    );
    assert.doesNotThrow(() => assertNoConflict(action, []));
  });
});
