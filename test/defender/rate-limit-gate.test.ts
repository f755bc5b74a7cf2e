import assert from 'node:assert/strict';
import sinon from 'sinon';
import { z } from 'zod';
import {
  GateWaitTooLongError,
  graphRateWindows,
  mdeRateWindows,
  RateLimitGate,
} from '../../src/defender/rate-limit-gate.ts';
import { FakeFetch, TENANT_ID, jsonResponse, testHttpClient } from './fakes.ts';

const OTHER_TENANT = '0b1c2d3e-4f50-4617-8283-949596979899';

describe('per-tenant rate limits', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: new Date('2025-01-01T00:00:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
    });
  });
  afterEach(() => clock.restore());

  function track<T>(promise: Promise<T>) {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  }

  it('makes the 101st MDE call within a minute wait for the next minute', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
    const http = testHttpClient(fake, { api: 'mde', gate: new RateLimitGate(mdeRateWindows) });
    const call = () =>
      http.send({
        method: 'GET',
        path: '/api/machineactions',
        schema: z.object({ ok: z.boolean() }),
        permission: 'Machine.Read.All',
      });
    await Promise.all(Array.from({ length: 100 }, call));
    assert.equal(fake.calls.length, 100);

    const the101st = track(call());
    await clock.tickAsync(59_999);
    assert.equal(the101st.done, false);
    assert.equal(fake.calls.length, 100);
    await clock.tickAsync(1);
    assert.equal(the101st.done, true);
    assert.equal(fake.calls.length, 101);
  });

  it('holds MDE calls to 1,500 an hour even when each minute stays under 100', async () => {
    const gate = new RateLimitGate(mdeRateWindows);
    for (let minute = 0; minute < 15; minute++) {
      await Promise.all(Array.from({ length: 100 }, () => gate.acquire(TENANT_ID)));
      await clock.tickAsync(60_000);
    }
    // 15 minutes in, the hour's 1,500 are spent: the next call waits for the hour to end.
    const next = track(gate.acquire(TENANT_ID));
    await clock.tickAsync(44 * 60_000);
    assert.equal(next.done, false);
    await clock.tickAsync(60_000);
    assert.equal(next.done, true);
  });

  it('limits Graph to 150 calls a minute', async () => {
    const gate = new RateLimitGate(graphRateWindows);
    await Promise.all(Array.from({ length: 150 }, () => gate.acquire(TENANT_ID)));
    const the151st = track(gate.acquire(TENANT_ID));
    await clock.tickAsync(59_000);
    assert.equal(the151st.done, false);
    await clock.tickAsync(1_000);
    assert.equal(the151st.done, true);
  });

  it('keeps tenants apart: one tenant at its limit does not slow another', async () => {
    const gate = new RateLimitGate([{ points: 2, durationSeconds: 60 }]);
    await gate.acquire(TENANT_ID);
    await gate.acquire(TENANT_ID);
    const blocked = track(gate.acquire(TENANT_ID));
    const other = track(gate.acquire(OTHER_TENANT));
    await clock.tickAsync(0);
    assert.equal(other.done, true);
    assert.equal(blocked.done, false);
  });

  it('serves waiting callers of a tenant in arrival order and reports the wait', async () => {
    const gate = new RateLimitGate([{ points: 1, durationSeconds: 1 }]);
    const order: number[] = [];
    const all = Promise.all(
      [1, 2, 3].map((n) =>
        gate.acquire(TENANT_ID).then((waited) => {
          order.push(n);
          return waited;
        }),
      ),
    );
    await clock.tickAsync(2_000);
    const waits = await all;
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(waits[0], 0);
    assert.ok(waits[1]! >= 1_000, `second waited ${waits[1]}`);
    assert.ok(waits[2]! >= 2_000, `third waited ${waits[2]}`);
  });

  it('ends a wait at once when its signal aborts, and its turn passes to the next caller', async () => {
    const gate = new RateLimitGate([{ points: 1, durationSeconds: 60 }]);
    await gate.acquire(TENANT_ID);
    const stopping = new AbortController();
    const aborted = gate.acquire(TENANT_ID, { signal: stopping.signal }).then(
      () => 'served',
      (error: unknown) => (error as Error).message,
    );
    const next = track(gate.acquire(TENANT_ID));
    await clock.tickAsync(1_000);
    stopping.abort(new Error('stopping'));
    assert.equal(await aborted, 'stopping', 'rejected with the reason, before the minute ends');
    assert.equal(Date.now() - Date.parse('2025-01-01T00:00:00Z'), 1_000);
    await clock.tickAsync(59_000);
    assert.equal(next.done, true, 'the point the aborted call did not use went to the next one');
    const again = new AbortController();
    again.abort(new Error('already stopped'));
    await assert.rejects(gate.acquire(TENANT_ID, { signal: again.signal }), /already stopped/);
  });

  it('lets a Defender call waiting for the rate limit or a retry end when its signal aborts', async () => {
    const fake = new FakeFetch(() => jsonResponse(503, { error: { code: 'ServerBusy' } }));
    const http = testHttpClient(fake, {
      api: 'mde',
      gate: new RateLimitGate([{ points: 1, durationSeconds: 60 }]),
    });
    const stopping = new AbortController();
    const request = {
      method: 'GET' as const,
      path: '/api/machineactions',
      schema: z.object({ ok: z.boolean() }),
      permission: 'Machine.Read.All',
      signal: stopping.signal,
    };
    const first = http.send(request).then(
      () => 'answered',
      (error: unknown) => (error as Error).message,
    );
    const queued = http.send(request).then(
      () => 'answered',
      (error: unknown) => (error as Error).message,
    );
    await clock.tickAsync(100); // the first got a 503 and waits to retry; the second, for a point
    assert.equal(fake.calls.length, 1);
    stopping.abort(new Error('stopping'));
    assert.deepEqual(await Promise.all([first, queued]), ['stopping', 'stopping']);
    assert.equal(fake.calls.length, 1, 'nothing more was sent');
  });

  describe('bounded waits', () => {
    /** Settles into `state` so the fake clock can be advanced while the promise is pending. */
    function outcome<T>(promise: Promise<T>) {
      const state: { value?: T; error?: unknown; at?: number } = {};
      promise.then(
        (value) => Object.assign(state, { value, at: Date.now() }),
        (error: unknown) => Object.assign(state, { error, at: Date.now() }),
      );
      return state;
    }
    const start = Date.parse('2025-01-01T00:00:00Z');

    it('refuses at once a call that would wait longer than allowed, and takes no point', async () => {
      const gate = new RateLimitGate([{ points: 2, durationSeconds: 60 }]);
      await gate.acquire(TENANT_ID);
      await gate.acquire(TENANT_ID);
      const refused = outcome(gate.acquire(TENANT_ID, { maxWaitMs: 2_000 }));
      await clock.tickAsync(0);
      assert.ok(refused.error instanceof GateWaitTooLongError, String(refused.error));
      assert.equal(refused.at, start, 'refused without waiting');
      assert.equal(refused.error.retryAfterMs, 60_000);
      assert.equal(refused.error.maxWaitMs, 2_000);
      // The refusal took nothing: the next minute has both points.
      await clock.tickAsync(60_000);
      await gate.acquire(TENANT_ID, { maxWaitMs: 0 });
      await gate.acquire(TENANT_ID, { maxWaitMs: 0 });
      await assert.rejects(gate.acquire(TENANT_ID, { maxWaitMs: 0 }), GateWaitTooLongError);
    });

    it('waits when the wait fits the bound, and reports it', async () => {
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 1 }]);
      await gate.acquire(TENANT_ID);
      const served = outcome(gate.acquire(TENANT_ID, { maxWaitMs: 2_000 }));
      await clock.tickAsync(999);
      assert.equal(served.value, undefined);
      await clock.tickAsync(1);
      assert.equal(served.value, 1_000);
      assert.equal(served.at, start + 1_000);
    });

    it('ends the wait of a call queued behind others at its deadline, or at once when it is known', async () => {
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 1 }]);
      await gate.acquire(TENANT_ID);
      // Patient callers queue for the next seconds; an impatient one arrives behind them.
      const patient = [1, 2, 3].map(() => outcome(gate.acquire(TENANT_ID, { maxWaitMs: 10_000 })));
      const impatient = outcome(gate.acquire(TENANT_ID, { maxWaitMs: 1_500 }));
      await clock.tickAsync(1_500);
      assert.ok(impatient.error instanceof GateWaitTooLongError, String(impatient.error));
      assert.equal(impatient.at, start + 1_500, 'no later than its deadline');
      // Once the head sleeps until a known time, a caller that cannot wait that long is told now.
      const told = outcome(gate.acquire(TENANT_ID, { maxWaitMs: 100 }));
      await clock.tickAsync(0);
      assert.ok(told.error instanceof GateWaitTooLongError, String(told.error));
      assert.equal(told.at, start + 1_500);
      await clock.tickAsync(1_500);
      assert.deepEqual(
        patient.map((p) => p.at),
        [start + 1_000, start + 2_000, start + 3_000],
        'the refused ones took no turn',
      );
    });

    it('keeps serving in order after a caller timed out in the middle of the queue', async () => {
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 1 }]);
      await gate.acquire(TENANT_ID);
      const order: string[] = [];
      const first = gate.acquire(TENANT_ID).then(() => order.push('first'));
      const quitter = gate.acquire(TENANT_ID, { maxWaitMs: 500 }).catch(() => order.push('quit'));
      const last = gate.acquire(TENANT_ID).then(() => order.push('last'));
      await clock.tickAsync(2_000);
      await Promise.all([first, quitter, last]);
      assert.deepEqual(order, ['quit', 'first', 'last']);
    });

    it("caps user-caused calls at the user windows, without touching the watcher's share", async () => {
      const gate = new RateLimitGate([{ points: 150, durationSeconds: 60 }], {
        userWindows: [{ points: 50, durationSeconds: 60 }],
      });
      // A flood of user look-ups: 50 go, the rest are refused at once rather than queued.
      const user = Array.from({ length: 300 }, () =>
        outcome(gate.acquire(TENANT_ID, { user: true, maxWaitMs: 2_000 })),
      );
      await clock.tickAsync(0);
      assert.equal(user.filter((u) => u.value !== undefined).length, 50);
      assert.ok(user.slice(50).every((u) => u.error instanceof GateWaitTooLongError));
      // The watcher and the machine actions still have the other 100 this minute, at once.
      const background = Array.from({ length: 100 }, () =>
        outcome(gate.acquire(TENANT_ID, { maxWaitMs: 60_000 })),
      );
      await clock.tickAsync(0);
      assert.ok(background.every((b) => b.value === 0));
    });

    it('does not let a user call waiting for its share hold up a background call', async () => {
      const gate = new RateLimitGate([{ points: 10, durationSeconds: 60 }], {
        userWindows: [{ points: 1, durationSeconds: 60 }],
      });
      await gate.acquire(TENANT_ID, { user: true });
      const waitingUser = outcome(gate.acquire(TENANT_ID, { user: true }));
      const watcher = outcome(gate.acquire(TENANT_ID, { maxWaitMs: 60_000 }));
      await clock.tickAsync(0);
      assert.equal(watcher.value, 0, 'the watcher went at once');
      assert.equal(waitingUser.at, undefined, 'the user call waits for the next minute');
      await clock.tickAsync(60_000);
      assert.equal(waitingUser.value, 60_000);
    });

    it("gives the user point back when the tenant's window refuses the call", async () => {
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 60 }], {
        userWindows: [{ points: 1, durationSeconds: 60 }],
      });
      await gate.acquire(TENANT_ID); // the tenant's only point, taken by the watcher
      await assert.rejects(
        gate.acquire(TENANT_ID, { user: true, maxWaitMs: 1_000 }),
        GateWaitTooLongError,
      );
      await clock.tickAsync(60_000);
      // Had the refused call kept its user point, this one would wait a minute.
      assert.equal(await gate.acquire(TENANT_ID, { user: true, maxWaitMs: 0 }), 0);
    });

    it('without a bound, waits as long as the windows say (the earlier behaviour)', async () => {
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 3_600 }]);
      await gate.acquire(TENANT_ID);
      const next = outcome(gate.acquire(TENANT_ID));
      await clock.tickAsync(3_600_000);
      assert.equal(next.value, 3_600_000);
    });
  });
});
