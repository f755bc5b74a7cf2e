import assert from 'node:assert/strict';
import sinon from 'sinon';
import { z } from 'zod';
import {
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
});
