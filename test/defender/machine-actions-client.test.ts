import assert from 'node:assert/strict';
import { InvalidInputError } from '../../src/domain/errors.ts';
import type { OneClickKind } from '../../src/domain/response-action.ts';
import { ActionAlreadyPendingError, DefenderNotFoundError } from '../../src/defender/errors.ts';
import { MachineActionsClient } from '../../src/defender/machine-actions-client.ts';
import { toDeviceActionState } from '../../src/defender/machine-action-mapper.ts';
import { FakeFetch, TENANT_ID, fixture, jsonResponse, testHttpClient } from './fakes.ts';

const MDE = 'https://api.securitycenter.microsoft.com';
const DEVICE = '1e5bc9d7e413ddd7902c2932e418702b84d0cc07';
const SHA1 = 'a33cc8a1c13ddd1ba2a1f8e7e4b3f0c9bd94f3f3';

function client(fake: FakeFetch) {
  const http = testHttpClient(fake, {
    api: 'mde',
    baseUrl: MDE,
    scope: 'https://api.securitycenter.microsoft.com/.default',
  });
  return new MachineActionsClient(http, TENANT_ID);
}

function action(overrides: Record<string, unknown> = {}) {
  return { ...(fixture('mde-machine-action-isolate.json') as object), ...overrides };
}

describe('MachineActionsClient', () => {
  const cases: {
    kind: OneClickKind;
    extra: { isolationType?: 'full' | 'selective'; sha1?: string };
    endpoint: string;
    body: Record<string, string>;
  }[] = [
    {
      kind: 'isolateDevice',
      extra: { isolationType: 'selective' },
      endpoint: 'isolate',
      body: { Comment: 'c', IsolationType: 'Selective' },
    },
    {
      kind: 'isolateDevice',
      extra: {},
      endpoint: 'isolate',
      body: { Comment: 'c', IsolationType: 'Full' },
    },
    { kind: 'releaseFromIsolation', extra: {}, endpoint: 'unisolate', body: { Comment: 'c' } },
    {
      kind: 'restrictAppExecution',
      extra: {},
      endpoint: 'restrictCodeExecution',
      body: { Comment: 'c' },
    },
    {
      kind: 'removeAppRestriction',
      extra: {},
      endpoint: 'unrestrictCodeExecution',
      body: { Comment: 'c' },
    },
    {
      kind: 'quarantineFile',
      extra: { sha1: SHA1 },
      endpoint: 'StopAndQuarantineFile',
      body: { Comment: 'c', Sha1: SHA1 },
    },
  ];
  for (const { kind, extra, endpoint, body } of cases) {
    it(`runs ${kind}${extra.isolationType ? ` (${extra.isolationType})` : ''} as POST .../${endpoint}`, async () => {
      const fake = new FakeFetch(() => jsonResponse(201, action()));
      await client(fake).runAction({ kind, deviceId: DEVICE, comment: 'c', ...extra });
      assert.equal(fake.calls[0]!.method, 'POST');
      assert.equal(fake.calls[0]!.url, `${MDE}/api/machines/${DEVICE}/${endpoint}`);
      assert.deepEqual(fake.calls[0]!.body, body);
    });
  }

  it('maps the 201 MachineAction to a domain action state', async () => {
    const fake = new FakeFetch(() => jsonResponse(201, action()));
    const state = await client(fake).runAction({
      kind: 'isolateDevice',
      deviceId: DEVICE,
      comment: 'Isolate machine due to alert 1234',
      isolationType: 'selective',
    });
    assert.deepEqual(state, {
      id: 'b89eb834-4578-496c-8be0-03f004061435',
      kind: 'isolateDevice',
      deviceId: DEVICE,
      deviceName: 'desktop-test',
      status: 'inProgress',
      queued: true,
      isolationType: 'selective',
      requestedBy: 'Analyst@TestPrd.onmicrosoft.com',
      comment: 'Isolate machine due to alert 1234',
      createdAt: '2019-01-02T14:39:38.2262283Z',
      updatedAt: '2019-01-02T14:39:38.2262283Z',
    });
  });

  it('maps every Defender status: Pending/InProgress → inProgress, Succeeded → completed, others → failed with a reason', () => {
    const map = (overrides: Record<string, unknown>) =>
      toDeviceActionState(action(overrides) as never);
    assert.equal(map({ status: 'InProgress' }).status, 'inProgress');
    assert.equal(map({ status: 'InProgress' }).queued, false);
    assert.equal(map({ status: 'Succeeded' }).status, 'completed');
    assert.equal(map({ status: 'Succeeded' }).failureReason, undefined);

    const failed = map({ status: 'Failed', errorHResult: -2147467259 });
    assert.equal(failed.status, 'failed');
    assert.match(failed.failureReason!, /failed on the device \(error 0x80004005\)/);

    const timedOut = map({ status: 'TimeOut' });
    assert.equal(timedOut.status, 'failed');
    assert.match(timedOut.failureReason!, /did not respond/);

    const cancelled = map({
      status: 'Cancelled',
      cancellationRequestor: 'soc@contoso.com',
      cancellationComment: 'wrong device',
    });
    assert.equal(cancelled.status, 'failed');
    assert.equal(
      cancelled.failureReason,
      'The action was cancelled by soc@contoso.com: wrong device.',
    );
  });

  it('reads an action and turns a 404 into DefenderNotFoundError', async () => {
    const fake = new FakeFetch().respond(
      () => jsonResponse(200, action({ status: 'Succeeded' })),
      () => jsonResponse(404, { error: { code: 'ResourceNotFound', message: 'nope' } }),
    );
    const c = client(fake);
    const state = await c.getAction('b89eb834-4578-496c-8be0-03f004061435');
    assert.equal(
      fake.calls[0]!.url,
      `${MDE}/api/machineactions/b89eb834-4578-496c-8be0-03f004061435`,
    );
    assert.equal(state.status, 'completed');
    const error = await c.getAction('missing').catch((e: unknown) => e);
    assert.ok(error instanceof DefenderNotFoundError);
    assert.equal(error.entity, 'response action');
  });

  it('turns a 404 on an action into "device not found"', async () => {
    const fake = new FakeFetch(() =>
      jsonResponse(404, { error: { code: 'ResourceNotFound', message: 'Machine not found' } }),
    );
    const error = await client(fake)
      .runAction({ kind: 'restrictAppExecution', deviceId: 'nope', comment: 'c' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderNotFoundError);
    assert.equal(error.entity, 'device');
    assert.equal(error.id, 'nope');
  });

  it("lists a device's actions with an OData filter and finds the one already running", async () => {
    const fake = new FakeFetch(() => jsonResponse(200, fixture('mde-machine-actions-list.json')));
    const c = client(fake);
    const deviceId = 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f';
    const all = await c.listDeviceActions(deviceId);
    assert.equal(
      fake.calls[0]!.url,
      `${MDE}/api/machineactions?$filter=machineId%20eq%20'${deviceId}'`,
    );
    assert.deepEqual(
      all.map((a) => [a.kind, a.status]),
      [
        [undefined, 'inProgress'],
        ['quarantineFile', 'inProgress'],
        ['isolateDevice', 'completed'],
      ],
    );
    assert.equal(all[1]!.sha1, SHA1);
    assert.equal(all[2]!.updatedAt, '2018-12-03T09:02:00Z');

    const pending = await c.findPendingAction(deviceId, 'quarantineFile');
    assert.equal(pending?.id, '2e9da30d-27f6-4208-81f2-9cd3d67893ba');
    // The isolation succeeded long ago: nothing of that kind is running.
    assert.equal(await c.findPendingAction(deviceId, 'isolateDevice'), undefined);
  });

  it('escapes quotes in the device id filter', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { value: [] }));
    await client(fake).listDeviceActions("a'b");
    assert.match(fake.calls[0]!.url, /machineId%20eq%20'a''b'$/);
  });

  it('turns 400 "already in progress" into ActionAlreadyPendingError naming the running action', async () => {
    const running = {
      ...action({
        id: 'running-1',
        requestorComment: 'Automated investigation',
        status: 'InProgress',
      }),
    };
    const fake = new FakeFetch().respond(
      () => jsonResponse(400, fixture('mde-error-already-in-progress.json')),
      () => jsonResponse(200, { value: [running] }),
    );
    const error = await client(fake)
      .runAction({ kind: 'isolateDevice', deviceId: DEVICE, comment: 'Action 7 by Ann' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ActionAlreadyPendingError);
    assert.equal(error.deviceId, DEVICE);
    assert.equal(error.pendingActionId, 'running-1');
    assert.match(error.message, /already in progress on device desktop-test/);
  });

  it("returns the running action when it carries this request's comment (an earlier attempt)", async () => {
    const ours = action({ id: 'ours-1', requestorComment: 'Action 7 by Ann', status: 'Pending' });
    const fake = new FakeFetch().respond(
      () => jsonResponse(400, fixture('mde-error-already-in-progress.json')),
      () => jsonResponse(200, { value: [ours] }),
    );
    const state = await client(fake).runAction({
      kind: 'isolateDevice',
      deviceId: DEVICE,
      comment: 'Action 7 by Ann',
    });
    assert.equal(state.id, 'ours-1');
  });

  it('refuses a quarantine without a valid SHA-1 and an empty comment, without calling Defender', async () => {
    const fake = new FakeFetch(() => jsonResponse(201, action()));
    const c = client(fake);
    await assert.rejects(
      c.runAction({ kind: 'quarantineFile', deviceId: DEVICE, comment: 'c', sha1: 'abc' }),
      InvalidInputError,
    );
    await assert.rejects(
      c.runAction({ kind: 'restrictAppExecution', deviceId: DEVICE, comment: '  ' }),
      InvalidInputError,
    );
    assert.equal(fake.calls.length, 0);
  });

  it('cancels an action with a comment', async () => {
    const fake = new FakeFetch(() =>
      jsonResponse(200, action({ status: 'Cancelled', cancellationRequestor: 'bot' })),
    );
    const state = await client(fake).cancelAction('b89eb834', 'Customer changed their mind');
    assert.equal(fake.calls[0]!.url, `${MDE}/api/machineactions/b89eb834/cancel`);
    assert.deepEqual(fake.calls[0]!.body, { Comment: 'Customer changed their mind' });
    assert.equal(state.status, 'failed');
    assert.match(state.failureReason!, /cancelled by bot/);
  });
});
