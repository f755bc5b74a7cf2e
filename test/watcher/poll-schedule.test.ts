import assert from 'node:assert/strict';
import { compareInstants } from '../../src/watcher/compare-instants.ts';
import {
  failureDelayMs,
  initialDelayMs,
  successDelayMs,
  type ScheduleSettings,
} from '../../src/watcher/poll-schedule.ts';

const settings = (random: number): ScheduleSettings => ({
  intervalMs: 10_000,
  jitterRatio: 0.2,
  maxBackoffMs: 60_000,
  random: () => random,
});

describe('watcher: poll schedule', () => {
  it('jitters the interval within ±jitterRatio', () => {
    assert.equal(successDelayMs(settings(0)), 8_000);
    assert.equal(successDelayMs(settings(0.5)), 10_000);
    assert.equal(successDelayMs(settings(1)), 12_000);
  });

  it('spreads first polls over the first jitter window', () => {
    assert.equal(initialDelayMs(settings(0)), 0);
    assert.equal(initialDelayMs(settings(1)), 2_000);
  });

  it('backs off exponentially from the interval up to the ceiling', () => {
    const delays = [1, 2, 3, 4, 5, 40].map((n) => failureDelayMs(n, settings(0.5)));
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });

  it('never retries sooner than Retry-After', () => {
    assert.equal(failureDelayMs(1, settings(0.5), 90), 90_000);
    assert.equal(failureDelayMs(3, settings(0.5), 1), 40_000);
  });
});

describe('watcher: Graph timestamps', () => {
  it('orders by the digits beyond the millisecond', () => {
    assert.ok(compareInstants('2025-03-10T09:00:00.1234567Z', '2025-03-10T09:00:00.1234568Z') < 0);
    assert.ok(compareInstants('2025-03-10T09:00:00.124Z', '2025-03-10T09:00:00.1239999Z') > 0);
    assert.equal(compareInstants('2025-03-10T09:00:00.12Z', '2025-03-10T09:00:00.1200000Z'), 0);
    assert.ok(compareInstants('2025-03-10T10:00:00+01:00', '2025-03-10T09:00:00.001Z') < 0);
  });
});
