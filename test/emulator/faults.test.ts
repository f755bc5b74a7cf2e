import assert from 'node:assert/strict';
import { DEMO_DEVICE_IDS, DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import {
  call,
  getToken,
  GRAPH_SCOPE,
  MDE_SCOPE,
  startTestEmulator,
  TestClock,
} from './emulator-harness.ts';

describe('emulator: injected faults', () => {
  let emulator: RunningEmulator;
  let graphToken: string;
  let mdeToken: string;
  const clock = new TestClock();
  const timings = { toInProgressMs: 100, toFinalMs: 200 };
  const incidents = () => `${emulator.graphBaseUrl}/v1.0/security/incidents`;
  const machineActions = () => `${emulator.mdeBaseUrl}/api/machineactions`;

  before(async () => {
    emulator = await startTestEmulator({ now: clock.now, actionTimings: timings });
    graphToken = await getToken(emulator, GRAPH_SCOPE);
    mdeToken = await getToken(emulator, MDE_SCOPE);
  });
  afterEach(() => {
    emulator.control.clearFaults();
    emulator.control.resetStats();
  });
  after(() => emulator.close());

  it('answers 429 with Retry-After and TooManyRequests for `count` requests, then clears', async () => {
    emulator.control.injectFault({ kind: '429', retryAfterSeconds: 7, count: 2 });
    for (const [url, token] of [
      [incidents(), graphToken],
      [machineActions(), mdeToken],
    ] as const) {
      const res = await call(url, { token });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(res.body.error.code, 'TooManyRequests');
    }
    assert.equal((await call(incidents(), { token: graphToken })).status, 200);
    assert.deepEqual(emulator.control.listFaults(), []);
    assert.deepEqual(emulator.control.stats().routes['GET /graph/v1.0/security/incidents'], {
      '200': 1,
      '429': 1,
    });
  });

  it('applies a fault only to paths containing `path`', async () => {
    emulator.control.injectFault({ kind: '503', path: '/machineactions' });
    assert.equal((await call(incidents(), { token: graphToken })).status, 200);
    const res = await call(machineActions(), { token: mdeToken });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'ServiceUnavailable');
    assert.equal(
      (await call(machineActions(), { token: mdeToken })).status,
      503,
      'no count: stays until cleared',
    );
    emulator.control.clearFaults();
    assert.equal((await call(machineActions(), { token: mdeToken })).status, 200);
  });

  it('answers 503 in the Graph envelope for Graph paths', async () => {
    emulator.control.injectFault({ kind: '503', count: 1 });
    const res = await call(incidents(), { token: graphToken });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'serviceNotAvailable');
  });

  it('delays answers with a slow fault', async () => {
    emulator.control.injectFault({ kind: 'slow', delayMs: 300, count: 1 });
    const started = performance.now();
    const res = await call(incidents(), { token: graphToken });
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 290, 'answered too early');
    const again = performance.now();
    await call(incidents(), { token: graphToken });
    assert.ok(performance.now() - again < 290, 'count 1 must clear the fault');
  });

  it('leaves the token endpoint alone unless `path` names it', async () => {
    emulator.control.injectFault({ kind: '503' });
    await getToken(emulator, GRAPH_SCOPE); // not affected
    assert.equal((await call(incidents(), { token: graphToken })).status, 503);
    emulator.control.clearFaults();
    emulator.control.injectFault({
      kind: '429',
      retryAfterSeconds: 1,
      path: '/oauth2/v2.0/token',
      count: 1,
    });
    await assert.rejects(getToken(emulator, GRAPH_SCOPE), /429/);
    await getToken(emulator, GRAPH_SCOPE);
  });

  it('makes machine actions end Failed with failActions, keeping the reason emulator-side', async () => {
    emulator.control.injectFault({ kind: 'failActions', reason: 'Device is offline', count: 1 });
    const url = `${emulator.mdeBaseUrl}/api/machines/${DEMO_DEVICE_IDS.prodServer01}/isolate`;
    const failing = await call(url, { token: mdeToken, method: 'POST', body: { Comment: 'x' } });
    assert.equal(failing.status, 201, 'the request itself is accepted');
    assert.equal(failing.body.status, 'Pending');
    clock.advance(timings.toFinalMs);
    const failed = await call(`${machineActions()}/${failing.body.id}`, { token: mdeToken });
    assert.equal(failed.body.status, 'Failed');
    assert.notEqual(failed.body.errorHResult, 0);
    assert.equal(JSON.stringify(failed.body).includes('Device is offline'), false);
    assert.equal(
      emulator.control.listMachineActions(DEMO_TENANT_ID)[0]?.failureReason,
      'Device is offline',
    );
    const next = await call(url, { token: mdeToken, method: 'POST', body: { Comment: 'y' } });
    clock.advance(timings.toFinalMs);
    assert.equal(
      (await call(`${machineActions()}/${next.body.id}`, { token: mdeToken })).body.status,
      'Succeeded',
    );
  });

  it('never applies faults to the control API, and manages them over HTTP too', async () => {
    const created = await call(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: { kind: '429', retryAfterSeconds: 3 },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.value.length, 1);
    assert.equal((await call(`${emulator.url}/_emulator/faults`)).status, 200);
    assert.equal((await call(incidents(), { token: graphToken })).status, 429);
    const invalid = await call(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: { kind: '418' },
    });
    assert.equal(invalid.status, 400);
    assert.equal(
      (await call(`${emulator.url}/_emulator/faults`, { method: 'DELETE' })).status,
      204,
    );
    assert.equal((await call(incidents(), { token: graphToken })).status, 200);
    const stats = await call(`${emulator.url}/_emulator/stats`);
    assert.deepEqual(stats.body.routes['GET /graph/v1.0/security/incidents'], {
      '200': 1,
      '429': 1,
    });
    assert.equal(
      Object.keys(stats.body.routes).some((r) => r.includes('_emulator')),
      false,
    );
  });
});
