import assert from 'node:assert/strict';
import {
  allowedEvents,
  applyActionEvent,
  manualEventTypes,
  oneClickEventTypes,
} from '../../src/domain/action-state-machine.ts';
import type { ActionEvent, ActionEventType } from '../../src/domain/action-state-machine.ts';
import { DomainError, IllegalTransitionError } from '../../src/domain/errors.ts';
import type {
  ActionStatus,
  ManualStatus,
  OneClickStatus,
  ResponseAction,
} from '../../src/domain/response-action.ts';
import { alice, manual, oneClick, T0, T1 } from './builders.ts';

const allEventTypes: ActionEventType[] = [...oneClickEventTypes, ...manualEventTypes];

function eventOf(type: ActionEventType): ActionEvent {
  switch (type) {
    case 'defenderAccepted':
      return { type, machineActionId: 'ma-1' };
    case 'fail':
      return { type, reason: 'Device is offline' };
    default:
      return { type };
  }
}

/** Legal outcome: the status after the event and whether anything was stored. */
type Outcome = { to: ActionStatus; changed: boolean } | 'ILLEGAL_TRANSITION' | 'ACTION_FINISHED';

const oneClickTable: Record<OneClickStatus, Partial<Record<ActionEventType, Outcome>>> = {
  pending: { start: { to: 'inProgress', changed: true } },
  inProgress: {
    defenderAccepted: { to: 'inProgress', changed: true },
    succeed: { to: 'completed', changed: true },
    fail: { to: 'failed', changed: true },
  },
  failed: { retry: { to: 'inProgress', changed: true } },
  completed: Object.fromEntries(allEventTypes.map((t) => [t, 'ACTION_FINISHED' as const])),
};

const manualTable: Record<ManualStatus, Partial<Record<ActionEventType, Outcome>>> = {
  pending: {
    requestComplete: { to: 'pending', changed: false },
    requestSkip: { to: 'pending', changed: false },
    confirmComplete: { to: 'completed', changed: true },
    confirmSkip: { to: 'skipped', changed: true },
    cancel: { to: 'pending', changed: false },
  },
  completed: Object.fromEntries(allEventTypes.map((t) => [t, 'ACTION_FINISHED' as const])),
  skipped: Object.fromEntries(allEventTypes.map((t) => [t, 'ACTION_FINISHED' as const])),
};

function checkCell(action: ResponseAction, type: ActionEventType, outcome: Outcome): void {
  const before = structuredClone(action);
  if (typeof outcome === 'string') {
    assert.throws(
      () => applyActionEvent(action, eventOf(type), alice, T1),
      (error: unknown) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, outcome);
        assert.match(error.message, new RegExp(action.title));
        if (error instanceof IllegalTransitionError) {
          assert.equal(error.from, action.status);
          assert.equal(error.event, type);
          assert.equal(error.actionId, action.id);
        } else {
          assert.equal(outcome, 'ACTION_FINISHED');
        }
        return true;
      },
    );
    return;
  }
  const result = applyActionEvent(action, eventOf(type), alice, T1);
  assert.equal(result.action.status, outcome.to);
  assert.equal(result.changed, outcome.changed);
  if (outcome.changed) {
    assert.equal(result.action.history.length, action.history.length + 1);
    assert.deepEqual(result.action.history.at(-1)?.by, alice);
    assert.equal(result.action.history.at(-1)?.at, T1);
    assert.equal(result.action.history.at(-1)?.from, action.status);
    assert.equal(result.action.history.at(-1)?.to, outcome.to);
    assert.deepEqual(result.action.updatedBy, alice);
    assert.equal(result.action.updatedAt, T1);
  } else {
    assert.equal(result.action, action, 'an unchanged result returns the same action');
  }
  assert.deepEqual(action, before, 'the input action is never mutated');
}

describe('response action state machine', () => {
  describe('every status × event of a one-click action', () => {
    for (const [status, row] of Object.entries(oneClickTable) as [
      OneClickStatus,
      typeof oneClickTable.pending,
    ][]) {
      for (const type of allEventTypes) {
        const outcome = row[type] ?? 'ILLEGAL_TRANSITION';
        const label = typeof outcome === 'string' ? outcome : `→ ${outcome.to}`;
        it(`${status} + ${type}: ${label}`, () => {
          const action = oneClick({
            status,
            attempts: status === 'pending' ? 0 : 1,
            ...(status === 'failed' ? { failureReason: 'Device is offline' } : {}),
          });
          checkCell(action, type, outcome);
        });
      }
      it(`${status}: allowedEvents lists exactly the legal events`, () => {
        const legal = allEventTypes.filter((t) => typeof row[t] === 'object');
        assert.deepEqual(allowedEvents(oneClick({ status })), legal);
      });
    }
  });

  describe('every status × event of a manual action', () => {
    for (const [status, row] of Object.entries(manualTable) as [
      ManualStatus,
      typeof manualTable.pending,
    ][]) {
      for (const type of allEventTypes) {
        const outcome = row[type] ?? 'ILLEGAL_TRANSITION';
        const label = typeof outcome === 'string' ? outcome : `→ ${outcome.to}`;
        it(`${status} + ${type}: ${label}`, () => checkCell(manual({ status }), type, outcome));
      }
      it(`${status}: allowedEvents lists exactly the legal events`, () => {
        const legal = allEventTypes.filter((t) => typeof row[t] === 'object');
        assert.deepEqual(allowedEvents(manual({ status })), legal);
      });
    }
  });

  describe('one-click details', () => {
    it('start records who asked, when, and counts the attempt', () => {
      const { action } = applyActionEvent(oneClick(), { type: 'start' }, alice, T1);
      assert.equal(action.attempts, 1);
      assert.deepEqual(action.requestedBy, alice);
      assert.equal(action.requestedAt, T1);
    });

    it('defenderAccepted stores the request id once; a redelivery changes nothing', () => {
      const started = oneClick({ status: 'inProgress', attempts: 1 });
      const first = applyActionEvent(
        started,
        { type: 'defenderAccepted', machineActionId: 'ma-9' },
        alice,
        T1,
      );
      assert.equal(first.action.machineActionId, 'ma-9');
      assert.match(first.action.history.at(-1)?.note ?? '', /ma-9/);
      const again = applyActionEvent(
        first.action,
        { type: 'defenderAccepted', machineActionId: 'ma-9' },
        alice,
        T1,
      );
      assert.equal(again.changed, false);
      assert.equal(again.action.history.length, 1);
    });

    it('fail keeps the reason; retry clears it and the old request id and counts attempt 2', () => {
      const running = oneClick({ status: 'inProgress', attempts: 1, machineActionId: 'ma-1' });
      const failed = applyActionEvent(
        running,
        { type: 'fail', reason: ' Device is offline ' },
        alice,
        T1,
      ).action;
      assert.equal(failed.failureReason, 'Device is offline');
      assert.equal(failed.history.at(-1)?.note, 'Device is offline');
      const retried = applyActionEvent(failed, { type: 'retry' }, alice, T1).action;
      assert.equal(retried.status, 'inProgress');
      assert.equal(retried.attempts, 2);
      assert.equal('failureReason' in retried, false);
      assert.equal('machineActionId' in retried, false);
      assert.equal(retried.history.at(-1)?.note, 'Attempt 2');
    });

    it('a full journey keeps the whole history in order', () => {
      const events: ActionEvent[] = [
        { type: 'start' },
        { type: 'defenderAccepted', machineActionId: 'ma-1' },
        { type: 'fail', reason: 'TimeOut' },
        { type: 'retry' },
        { type: 'defenderAccepted', machineActionId: 'ma-2' },
        { type: 'succeed' },
      ];
      const final = events.reduce((a, e) => applyActionEvent(a, e, alice, T1).action, oneClick());
      assert.equal(final.status, 'completed');
      assert.equal(final.machineActionId, 'ma-2');
      assert.deepEqual(
        final.history.map((h) => `${h.from}>${h.to}`),
        [
          'pending>inProgress',
          'inProgress>inProgress',
          'inProgress>failed',
          'failed>inProgress',
          'inProgress>inProgress',
          'inProgress>completed',
        ],
      );
    });

    it('names from, to and event in an illegal transition', () => {
      assert.throws(
        () => applyActionEvent(oneClick(), { type: 'succeed' }, alice, T1),
        (e: unknown) =>
          e instanceof IllegalTransitionError &&
          e.from === 'pending' &&
          e.to === 'completed' &&
          e.event === 'succeed' &&
          e.message ===
            '"Isolate device PROD-SRV-01" is pending, so it cannot be marked completed.',
      );
    });
  });

  describe('manual confirmation step', () => {
    it('requestComplete asks for confirmation without storing anything', () => {
      const result = applyActionEvent(manual(), { type: 'requestComplete' }, alice, T1);
      assert.deepEqual(result.confirmation, {
        intent: 'complete',
        confirmEvent: 'confirmComplete',
        cancelEvent: 'cancel',
      });
      assert.equal(result.action.history.length, 0);
    });

    it('requestSkip asks to confirm the skip', () => {
      const result = applyActionEvent(manual(), { type: 'requestSkip' }, alice, T1);
      assert.equal(result.confirmation?.intent, 'skip');
      assert.equal(result.confirmation?.confirmEvent, 'confirmSkip');
    });

    it('confirmSkip keeps the reason as the history note', () => {
      const { action } = applyActionEvent(
        manual(),
        { type: 'confirmSkip', reason: 'Handled by IT' },
        alice,
        T1,
      );
      assert.equal(action.status, 'skipped');
      assert.equal(action.history.at(-1)?.note, 'Handled by IT');
    });
  });

  describe('input checks', () => {
    const invalid: [string, () => unknown][] = [
      [
        'an empty failure reason',
        () =>
          applyActionEvent(
            oneClick({ status: 'inProgress' }),
            { type: 'fail', reason: ' ' },
            alice,
            T1,
          ),
      ],
      [
        'an empty Defender id',
        () =>
          applyActionEvent(
            oneClick({ status: 'inProgress' }),
            { type: 'defenderAccepted', machineActionId: '' },
            alice,
            T1,
          ),
      ],
      [
        'a time that is not ISO',
        () => applyActionEvent(oneClick(), { type: 'start' }, alice, 'yesterday'),
      ],
      [
        'no acting user',
        () => applyActionEvent(oneClick(), { type: 'start' }, { userId: '', name: '' }, T0),
      ],
    ];
    for (const [name, run] of invalid) {
      it(`refuses ${name} with INVALID_INPUT`, () => {
        assert.throws(run, (e: unknown) => e instanceof DomainError && e.code === 'INVALID_INPUT');
      });
    }
  });
});
