import assert from 'node:assert/strict';
import {
  DEMO_DEVICE_IDS,
  DEMO_FILE_SHA1,
  DEMO_APP_NAME,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { demoMachineActionHistory } from '../../src/emulator/demo-devices.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import { call, getToken, MDE_SCOPE, startTestEmulator, TestClock } from './emulator-harness.ts';

const SERVER = DEMO_DEVICE_IDS.prodServer01;
const LAPTOP = DEMO_DEVICE_IDS.financeLaptop07;
const LINUX = DEMO_DEVICE_IDS.webLinux02;

const actionCases = [
  {
    path: 'isolate',
    type: 'Isolate',
    body: { Comment: 'Contain ransomware', IsolationType: 'Selective' },
    scope: 'Selective',
  },
  { path: 'unisolate', type: 'Unisolate', body: { Comment: 'Clean' }, scope: null },
  {
    path: 'restrictCodeExecution',
    type: 'RestrictCodeExecution',
    body: { Comment: 'Restrict' },
    scope: null,
  },
  {
    path: 'unrestrictCodeExecution',
    type: 'UnrestrictCodeExecution',
    body: { Comment: 'Allow again' },
    scope: null,
  },
  {
    path: 'StopAndQuarantineFile',
    type: 'StopAndQuarantineFile',
    body: { Comment: 'Quarantine', Sha1: DEMO_FILE_SHA1 },
    scope: null,
  },
] as const;

describe('emulator: Defender for Endpoint machine actions', () => {
  let emulator: RunningEmulator;
  let token: string;
  const clock = new TestClock();
  const timings = { toInProgressMs: 1000, toFinalMs: 3000 };
  const machines = () => `${emulator.mdeBaseUrl}/api/machines`;
  const actions = () => `${emulator.mdeBaseUrl}/api/machineactions`;
  const post = (url: string, body: unknown) => call(url, { token, method: 'POST', body });

  beforeEach(async () => {
    emulator = await startTestEmulator({ now: clock.now, actionTimings: timings });
    token = await getToken(emulator, MDE_SCOPE);
  });
  afterEach(() => emulator.close());

  for (const c of actionCases) {
    it(`${c.path}: 201 with a Pending ${c.type} that moves to InProgress and Succeeded on the clock`, async () => {
      const created = await post(`${machines()}/${SERVER}/${c.path}`, c.body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const a = created.body;
      assert.match(a.id, /^[0-9a-f-]{36}$/);
      assert.equal(a.type, c.type);
      assert.equal(a.status, 'Pending');
      assert.equal(a.machineId, SERVER);
      assert.equal(a.computerDnsName, 'prod-server-01');
      assert.equal(a.requestor, DEMO_APP_NAME);
      assert.equal(a.requestorComment, c.body.Comment);
      assert.equal(a.scope, c.scope);
      assert.equal(a.creationDateTimeUtc, clock.now().toISOString());
      assert.equal(a.lastUpdateDateTimeUtc, clock.now().toISOString());
      assert.deepEqual(
        a.relatedFileInfo,
        c.type === 'StopAndQuarantineFile'
          ? { fileIdentifier: DEMO_FILE_SHA1, fileIdentifierType: 'Sha1' }
          : null,
      );
      const statusAfter = async (ms: number) => {
        clock.advance(ms);
        const res = await call(`${actions()}/${a.id}`, { token });
        assert.equal(res.status, 200);
        return res.body.status as string;
      };
      assert.equal(await statusAfter(999), 'Pending');
      assert.equal(await statusAfter(1), 'InProgress');
      assert.equal(await statusAfter(1999), 'InProgress');
      assert.equal(await statusAfter(1), 'Succeeded');
      const final = await call(`${actions()}/${a.id}`, { token });
      assert.equal(final.body.errorHResult, 0);
      assert.equal(
        final.body.lastUpdateDateTimeUtc,
        new Date(Date.parse(a.creationDateTimeUtc) + 3000).toISOString(),
      );
    });
  }

  it('records isolation, restriction and quarantine on the machine once the actions succeed', async () => {
    const state = async (): Promise<{ isolated: boolean }> => {
      const machine: { emulator: { isolated: boolean } } = (
        await call(`${machines()}/${SERVER}`, { token })
      ).body;
      return machine.emulator;
    };
    assert.deepEqual(await state(), {
      isolationType: null,
      isolated: false,
      codeExecutionRestricted: false,
      quarantinedSha1s: [],
    });
    await post(`${machines()}/${SERVER}/isolate`, { Comment: 'x', IsolationType: 'Full' });
    await post(`${machines()}/${SERVER}/restrictCodeExecution`, { Comment: 'x' });
    await post(`${machines()}/${SERVER}/StopAndQuarantineFile`, {
      Comment: 'x',
      Sha1: DEMO_FILE_SHA1.toUpperCase(),
    });
    assert.equal((await state()).isolated, false, 'not before the actions finish');
    clock.advance(timings.toFinalMs);
    assert.deepEqual(await state(), {
      isolationType: 'Full',
      isolated: true,
      codeExecutionRestricted: true,
      quarantinedSha1s: [DEMO_FILE_SHA1],
    });
    await post(`${machines()}/${SERVER}/unisolate`, { Comment: 'x' });
    clock.advance(timings.toFinalMs);
    const machine = (await call(`${machines()}/${SERVER}`, { token })).body;
    assert.equal(machine.emulator.isolated, false);
    assert.equal(machine.computerDnsName, 'prod-server-01');
    assert.equal(machine.osPlatform, 'WindowsServer2022');
    assert.equal(machine.healthStatus, 'Active');
  });

  it('refuses a second action of the same type on a device while one is running', async () => {
    const first = await post(`${machines()}/${SERVER}/isolate`, { Comment: 'one' });
    assert.equal(first.status, 201);
    const second = await post(`${machines()}/${SERVER}/isolate`, { Comment: 'two' });
    assert.equal(second.status, 400);
    assert.deepEqual(
      { code: second.body.error.code, message: second.body.error.message },
      { code: 'BadRequest', message: 'Action is already in progress' },
    );
    clock.advance(timings.toInProgressMs);
    assert.equal((await post(`${machines()}/${SERVER}/isolate`, { Comment: 'three' })).status, 400);
    const otherType = await post(`${machines()}/${SERVER}/restrictCodeExecution`, {
      Comment: 'other type',
    });
    assert.equal(otherType.status, 201);
    const otherDevice = await post(`${machines()}/${LAPTOP}/isolate`, { Comment: 'other device' });
    assert.equal(otherDevice.status, 201);
    clock.advance(timings.toFinalMs);
    assert.equal((await post(`${machines()}/${SERVER}/isolate`, { Comment: 'after' })).status, 201);
    const isolations = emulator.control
      .listMachineActions(DEMO_TENANT_ID)
      .filter((a) => a.machineId === SERVER && a.type === 'Isolate');
    assert.equal(isolations.length, 2);
    assert.equal(
      emulator.control.stats().routes['POST /mde/api/machines/{id}/isolate']?.['400'],
      2,
    );
  });

  it('treats body parameter names as case-sensitive and validates values', async () => {
    const cases: [string, unknown, number, string][] = [
      ['isolate', { comment: 'lower case' }, 400, 'InvalidRequestBody'],
      ['isolate', { Comment: 'x', isolationType: 'Full' }, 400, 'InvalidRequestBody'],
      ['isolate', {}, 400, 'MissingRequiredParameter'],
      ['isolate', { Comment: 'x', IsolationType: 'Partial' }, 400, 'InvalidInput'],
      ['isolate', '{oops', 400, 'InvalidRequestBody'],
      ['StopAndQuarantineFile', { Comment: 'x' }, 400, 'MissingRequiredParameter'],
      ['StopAndQuarantineFile', { Comment: 'x', sha1: DEMO_FILE_SHA1 }, 400, 'InvalidRequestBody'],
      ['StopAndQuarantineFile', { Comment: 'x', Sha1: 'not-a-hash' }, 400, 'InvalidHashValue'],
      [
        'StopAndQuarantineFile',
        { Comment: 'x', Sha1: DEMO_FILE_SHA1.slice(1) },
        400,
        'InvalidHashValue',
      ],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await post(`${machines()}/${SERVER}/${path}`, body);
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, code, `${path} ${JSON.stringify(body)}`);
      assert.equal(typeof res.body.error.target, 'string');
    }
    assert.deepEqual(emulator.control.listMachineActions(DEMO_TENANT_ID), []);
  });

  it('answers 404 ResourceNotFound for an unknown device or action, and for another tenant', async () => {
    const unknown = await post(`${machines()}/0000000000000000000000000000000000000000/isolate`, {
      Comment: 'x',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'ResourceNotFound');
    assert.equal(
      (await call(`${actions()}/6c1f9d3e-0000-4000-8000-000000000000`, { token })).status,
      404,
    );
    const created = await post(`${machines()}/${SERVER}/isolate`, { Comment: 'x' });
    const fabrikam = await getToken(
      emulator,
      MDE_SCOPE,
      FABRIKAM_TENANT_ID,
      FABRIKAM_CLIENT_ID,
      FABRIKAM_CLIENT_SECRET,
    );
    assert.equal((await call(`${actions()}/${created.body.id}`, { token: fabrikam })).status, 404);
    assert.equal((await call(`${machines()}/${SERVER}`, { token: fabrikam })).status, 404);
    assert.deepEqual((await call(actions(), { token: fabrikam })).body.value, []);
  });

  it('refuses Windows-only actions on a Linux device with OsPlatformNotSupported', async () => {
    const restrict = await post(`${machines()}/${LINUX}/restrictCodeExecution`, { Comment: 'x' });
    assert.equal(restrict.status, 400);
    assert.equal(restrict.body.error.code, 'OsPlatformNotSupported');
    assert.equal(
      (await post(`${machines()}/${LINUX}/isolate`, { Comment: 'x', IsolationType: 'Full' }))
        .status,
      201,
    );
  });

  it('cancels a running action with 200 and refuses to cancel a finished one', async () => {
    const created = (await post(`${machines()}/${SERVER}/isolate`, { Comment: 'x' })).body;
    clock.advance(timings.toInProgressMs);
    const missingComment = await post(`${actions()}/${created.id}/cancel`, { comment: 'lower' });
    assert.equal(missingComment.status, 400);
    const cancelled = await post(`${actions()}/${created.id}/cancel`, { Comment: 'Wrong device' });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'Cancelled');
    assert.equal(cancelled.body.cancellationComment, 'Wrong device');
    assert.equal(cancelled.body.cancellationRequestor, DEMO_APP_NAME);
    assert.equal(cancelled.body.cancellationDateTimeUtc, clock.now().toISOString());
    clock.advance(timings.toFinalMs);
    assert.equal((await call(`${actions()}/${created.id}`, { token })).body.status, 'Cancelled');
    assert.equal((await call(`${machines()}/${SERVER}`, { token })).body.emulator.isolated, false);
    const again = await post(`${actions()}/${created.id}/cancel`, { Comment: 'again' });
    assert.equal(again.status, 400);
    const done = (await post(`${machines()}/${LAPTOP}/isolate`, { Comment: 'x' })).body;
    clock.advance(timings.toFinalMs);
    assert.equal((await post(`${actions()}/${done.id}/cancel`, { Comment: 'late' })).status, 400);
    assert.equal(
      (await post(`${actions()}/6c1f9d3e-0000-4000-8000-000000000000/cancel`, { Comment: 'x' }))
        .status,
      404,
    );
  });

  it('lists actions newest first with $filter on machineId, type and status, and $top', async () => {
    const start = clock.now();
    await post(`${machines()}/${SERVER}/isolate`, { Comment: 'a' });
    clock.advance(timings.toFinalMs);
    await post(`${machines()}/${SERVER}/restrictCodeExecution`, { Comment: 'b' });
    clock.advance(10);
    await post(`${machines()}/${LAPTOP}/isolate`, { Comment: 'c' });
    const list = async (query: string): Promise<string[]> => {
      const value: { requestorComment: string }[] = (await call(`${actions()}?${query}`, { token }))
        .body.value;
      return value.map((a) => a.requestorComment);
    };
    // The demo's earlier actions (automated investigation, the experts) come after, newest first.
    const history = demoMachineActionHistory(start)
      .sort((x, y) => Date.parse(y.creationDateTimeUtc) - Date.parse(x.creationDateTimeUtc))
      .map((a) => a.requestorComment);
    assert.deepEqual(await list(''), ['c', 'b', 'a', ...history]);
    assert.deepEqual(await list(`$filter=machineId eq '${SERVER}'`), ['b', 'a']);
    assert.deepEqual(await list(`$filter=machineId eq '${SERVER}' and status eq 'Pending'`), ['b']);
    assert.deepEqual(
      await list(
        `$filter=type eq 'Isolate' and status eq 'Succeeded' and machineId eq '${SERVER}'`,
      ),
      ['a'],
    );
    assert.deepEqual(await list(`$filter=type eq 'Isolate'&$top=1`), ['c']);
    const bad = await call(`${actions()}?$filter=nope eq 'x'`, { token });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'ODataError');
  });
});
