// The still-contained reminder's record, as pure functions: which actions keep a device
// contained, when the next round is due, Keep, stop, and how the duration reads.
import assert from 'node:assert/strict';
import {
  asked,
  containedActions,
  containedForText,
  isDue,
  kept,
  keptThisRound,
  newReminder,
  stopped,
} from '../../src/domain/containment-reminder.ts';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import type { ResponseAction } from '../../src/domain/response-action.ts';
import { newUndoAction, type UndoAction } from '../../src/domain/undo-action.ts';
import { alice, oneClick, T0, T1, TENANT } from './builders.ts';

const HOUR = 3_600_000;

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

const completed = (id: string, kind: 'isolateDevice' | 'restrictAppExecution' = 'isolateDevice') =>
  oneClick({
    id,
    kind,
    status: 'completed',
    requestedBy: alice,
    history: [{ at: T1, by: alice, from: 'inProgress', to: 'completed' }],
  });

describe('still-contained reminder (domain)', () => {
  it('follows completed isolations and restrictions until an undo releases them', () => {
    const a = completed('a');
    const b = completed('b', 'restrictAppExecution');
    const c = completed('c');
    const d = completed('d');
    const undoC: UndoAction = { ...newUndoAction(c, T1), status: 'completed' };
    const undoD: UndoAction = { ...newUndoAction(d, T1), status: 'failed' };
    const pending = oneClick({ id: 'e' });
    const quarantine = oneClick({ id: 'f', kind: 'quarantineFile', status: 'completed' });
    const found = containedActions(response([a, b, c, d, undoC, undoD, pending, quarantine]));
    assert.deepEqual(
      found.map((f) => [f.action.id, f.completedAt]),
      [
        ['a', T1],
        ['b', T1],
        ['d', T1],
      ],
      'a failed undo leaves the device contained',
    );
  });

  it('is due one period after the containment, again one period after each round or Keep', () => {
    const [contained] = containedActions(response([completed('a')]));
    const first = newReminder(response([completed('a')]), contained!, 24 * HOUR);
    const t1 = Date.parse(T1);
    assert.equal(first.containedBy, 'Alice');
    assert.equal(isDue(first, t1 + 24 * HOUR - 1), false);
    assert.equal(isDue(first, t1 + 24 * HOUR), true);
    const second = asked(first, t1 + 25 * HOUR, 24 * HOUR);
    assert.equal(second.asked, 1);
    assert.equal(isDue(second, t1 + 48 * HOUR), false);
    assert.equal(isDue(second, t1 + 49 * HOUR), true);
    const keep = kept(second, alice, t1 + 30 * HOUR, 24 * HOUR);
    assert.equal(isDue(keep, t1 + 49 * HOUR), false);
    assert.equal(isDue(keep, t1 + 54 * HOUR), true);
    assert.equal(keep.keptBy?.name, 'Alice');
    const done = stopped(keep, 'releasedInDefender', t1 + 31 * HOUR);
    assert.equal(isDue(done, t1 + 1000 * HOUR), false, 'never after a release');
  });

  it('counts a Keep for the round it was given in only', () => {
    const [contained] = containedActions(response([completed('a')]));
    const t1 = Date.parse(T1);
    const round1 = asked(newReminder(response([completed('a')]), contained!, HOUR), t1, HOUR);
    assert.equal(keptThisRound(round1), false, 'nobody kept it yet');
    const keep = kept(round1, alice, t1 + 10 * 60_000, HOUR);
    assert.equal(keptThisRound(keep), true);
    const round2 = asked(keep, t1 + 70 * 60_000, HOUR);
    assert.equal(keptThisRound(round2), false, 'the next round asks again');
    assert.equal(round2.keptBy?.name, 'Alice', 'who kept it last is remembered');
  });

  it('says how long: minutes, hours, then days', () => {
    assert.equal(containedForText(30_000), '1 min');
    assert.equal(containedForText(30 * 60_000), '30 min');
    assert.equal(containedForText(24 * HOUR), '24 h');
    assert.equal(containedForText(71 * HOUR), '71 h');
    assert.equal(containedForText(96 * HOUR), '4 days');
  });
});
