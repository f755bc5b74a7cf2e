// The still-contained card's data in each state the feature tests do not walk through: an app
// restriction's wording, a finished or failed release, a Keep before the device was released.
import assert from 'node:assert/strict';
import { stillContainedCardData } from '../../cards/still-contained.ts';
import type { ContainmentReminder } from '../../src/domain/containment-reminder.ts';

const T0 = Date.parse('2026-03-02T09:31:00Z');
const HOUR = 3_600_000;

function reminder(overrides: Partial<ContainmentReminder> = {}): ContainmentReminder {
  return {
    tenantId: '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b',
    incidentId: '2972403',
    actionId: 'act-apps',
    kind: 'restrictAppExecution',
    deviceId: 'dev-1',
    deviceName: 'fin-laptop-07',
    containedSince: new Date(T0).toISOString(),
    dueAt: new Date(T0 + 48 * HOUR).toISOString(),
    asked: 1,
    lastAskedAt: new Date(T0 + 24 * HOUR).toISOString(),
    ...overrides,
  };
}

const base = { incident: undefined, nowMs: T0 + 25 * HOUR, enabled: true };

describe('still-contained card data', () => {
  it('asks to remove an app restriction in its own words', () => {
    const data = stillContainedCardData({ ...base, reminder: reminder(), confirmRelease: true });
    assert.deepEqual(data.confirmRelease, [
      {
        question: 'Remove the app restriction on fin-laptop-07? Every app may run on it again.',
        yes: 'Yes, remove it',
      },
    ]);
    assert.deepEqual([data.release, data.keep], [[], []], 'the question replaces the buttons');
  });

  it('says a finished release and offers nothing more', () => {
    const release = { status: 'completed' as const, by: 'Alex Wilber', at: '2026-03-03T10:00:00Z' };
    const data = stillContainedCardData({ ...base, reminder: reminder(), release });
    assert.deepEqual(data.releaseLine, [
      {
        text: 'Removal of the app restriction requested by Alex Wilber at',
        at: '2026-03-03T10:00:00Z',
        status: 'restriction removed.',
      },
    ]);
    assert.deepEqual([data.release, data.keep, data.nextAsk], [[], [], []]);
  });

  it('after a failed release offers Keep, not a second Release', () => {
    const release = { status: 'failed' as const, failureReason: 'Device offline.' };
    const data = stillContainedCardData({ ...base, reminder: reminder(), release });
    assert.match(data.releaseLine[0]!.status, /^failed \(Device offline\.\)\. Retry it/);
    assert.deepEqual(data.release, []);
    assert.equal(data.keep.length, 1);
    assert.equal(data.nextAsk.length, 1);
  });

  it('says who kept it, without "asked again", once the device is released', () => {
    const keptBy = { userId: 'u', name: 'Adele Vance', at: '2026-03-03T10:02:00Z' };
    const data = stillContainedCardData({
      ...base,
      reminder: reminder({ keptBy }),
      released: true,
    });
    assert.deepEqual(data.keptLine, []);
    assert.deepEqual(data.earlierKeptLine, [
      { text: 'Kept restricted by Adele Vance at', at: '2026-03-03T10:02:00Z' },
    ]);
  });
});
