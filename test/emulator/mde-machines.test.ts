import assert from 'node:assert/strict';
import {
  AUTOMATED_INVESTIGATION,
  DEMO_DEVICE_IDS,
  DEMO_FILE_SHA1,
  DEMO_TENANT_ID,
  FABRIKAM_DEVICE_ID,
} from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import { call, getToken, MDE_SCOPE, startTestEmulator, TestClock } from './emulator-harness.ts';

const D = DEMO_DEVICE_IDS;
const DAY = 24 * 60 * 60_000;

describe('emulator: Defender for Endpoint machines and what they support', () => {
  let emulator: RunningEmulator;
  let token: string;
  const clock = new TestClock();
  const timings = { toInProgressMs: 1000, toFinalMs: 3000 };
  const mde = (path: string) => `${emulator.mdeBaseUrl}/api${path}`;
  const get = (path: string) => call(mde(path), { token });
  const post = (path: string, body: unknown) => call(mde(path), { token, method: 'POST', body });
  const names = (value: { computerDnsName: string }[]) => value.map((m) => m.computerDnsName);

  beforeEach(async () => {
    emulator = await startTestEmulator({ now: clock.now, actionTimings: timings });
    token = await getToken(emulator, MDE_SCOPE);
  });
  afterEach(() => emulator.close());

  describe('GET /api/machines/{id}', () => {
    it('answers the documented machine entity with every property', async () => {
      const res = await get(`/machines/${D.prodServer01}`);
      assert.equal(res.status, 200);
      assert.match(res.body['@odata.context'], /\/api\/\$metadata#Machines\/\$entity$/);
      for (const key of [
        'id',
        'computerDnsName',
        'firstSeen',
        'lastSeen',
        'osPlatform',
        'osVersion',
        'osProcessor',
        'version',
        'osBuild',
        'lastIpAddress',
        'lastExternalIpAddress',
        'healthStatus',
        'deviceValue',
        'rbacGroupId',
        'rbacGroupName',
        'riskScore',
        'exposureLevel',
        'isAadJoined',
        'aadDeviceId',
        'machineTags',
        'onboardingStatus',
        'osArchitecture',
        'ipAddresses',
      ]) {
        assert.ok(key in res.body, key);
      }
      assert.equal(res.body.computerDnsName, 'prod-server-01');
      assert.equal(res.body.osPlatform, 'WindowsServer2022');
      assert.equal(res.body.onboardingStatus, 'Onboarded');
      assert.ok(clock.ms - Date.parse(res.body.lastSeen) < 60 * 60_000, 'seen recently');
    });

    it('answers 404 ResourceNotFound for an unknown id and for another tenant', async () => {
      const res = await get('/machines/0000000000000000000000000000000000000000');
      assert.equal(res.status, 404);
      assert.deepEqual(
        { code: res.body.error.code, message: res.body.error.message },
        {
          code: 'ResourceNotFound',
          message: 'Machine 0000000000000000000000000000000000000000 was not found.',
        },
      );
      assert.equal((await get(`/machines/${FABRIKAM_DEVICE_ID}`)).status, 404);
    });
  });

  describe('the demo devices', () => {
    it('has a stale device, a high-value one, a Linux server, Windows 11 workstations and one not onboarded', async () => {
      const stale = (await get(`/machines/${D.marketingLaptop22}`)).body;
      assert.equal(stale.healthStatus, 'Inactive');
      assert.ok(clock.ms - Date.parse(stale.lastSeen) > 9 * DAY, 'not seen for more than 9 days');
      const dc = (await get(`/machines/${D.domainController01}`)).body;
      assert.equal(dc.deviceValue, 'High');
      assert.ok(
        dc.machineTags.includes('HighValue') && dc.machineTags.includes('Domain Controller'),
      );
      const linux = (await get(`/machines/${D.webLinux02}`)).body;
      assert.equal(linux.osPlatform, 'Linux');
      const list = (await get("/machines?$filter=osPlatform eq 'Windows11'")).body.value;
      assert.ok(list.length >= 3);
      assert.ok(list.every((m: { healthStatus: string }) => m.healthStatus === 'Active'));
      const undiscovered = (await get(`/machines/${D.meetingRoomPc04}`)).body;
      assert.equal(undiscovered.onboardingStatus, 'CanBeOnboarded');
      for (const id of [D.prodServer01, D.financeLaptop07, D.hrDesktop03, D.webLinux02]) {
        assert.equal((await get(`/machines/${id}`)).status, 200, 'incident devices are machines');
      }
    });

    it('shows sales-laptop-12 isolated by automated investigation hours before start', async () => {
      const res = await get(
        `/machineactions?$filter=machineId eq '${D.salesLaptop12}' and type eq 'Isolate'&$orderby=creationDateTimeUtc desc&$top=1`,
      );
      assert.equal(res.status, 200);
      const [action] = res.body.value;
      assert.equal(action.status, 'Succeeded');
      assert.equal(action.scope, 'Full');
      assert.equal(action.requestor, AUTOMATED_INVESTIGATION);
      assert.match(action.requestorComment, /automated investigation/i);
      const hoursAgo = (clock.ms - Date.parse(action.creationDateTimeUtc)) / 3_600_000;
      assert.ok(hoursAgo >= 2 && hoursAgo <= 24, `${hoursAgo} h`);
      const machine = (await get(`/machines/${D.salesLaptop12}`)).body;
      assert.equal(machine.emulator.isolationType, 'Full');
      const byRequestor = await get(
        `/machineactions?$filter=requestor eq '${AUTOMATED_INVESTIGATION}'`,
      );
      assert.deepEqual(
        byRequestor.body.value.map((a: { machineId: string }) => a.machineId),
        [D.salesLaptop12],
      );
      // History is not what a client did: the control view lists it only on request.
      assert.deepEqual(emulator.control.listMachineActions(DEMO_TENANT_ID), []);
      assert.equal(
        emulator.control.listMachineActions(DEMO_TENANT_ID, { includeSeeded: true })[0]?.source,
        'seed',
      );
    });
  });

  describe('GET /api/machines', () => {
    it('filters on the documented properties, machineTags/any and startswith, names in any case', async () => {
      const q = async (query: string) => {
        const res = await get(`/machines?${query}`);
        assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
        return names(res.body.value).sort();
      };
      assert.deepEqual(await q("$filter=machineTags/any(tag: tag eq 'HighValue')"), [
        'contoso-dc-01',
      ]);
      assert.deepEqual(await q("$filter=machineTags/any(t:t eq 'dmz')"), ['web-linux-02']);
      assert.deepEqual(await q("$filter=startswith(computerDnsName,'prod')"), ['prod-server-01']);
      assert.deepEqual(await q("$filter=HealthStatus ne 'Active'"), [
        'meetingroom-pc-04',
        'mkt-laptop-22',
      ]);
      const weekAgo = new Date(clock.ms - 7 * DAY).toISOString();
      assert.deepEqual(await q(`$filter=lastSeen lt ${weekAgo}`), ['mkt-laptop-22']);
      assert.deepEqual(await q("$filter=deviceValue eq 'High'"), ['contoso-dc-01']);
      assert.deepEqual(await q("$filter=onboardingStatus eq 'CanBeOnboarded'"), [
        'meetingroom-pc-04',
      ]);
      assert.deepEqual(await q("$filter=riskScore eq 'High' and osPlatform eq 'Linux'"), [
        'web-linux-02',
      ]);
      assert.equal((await q('$top=2')).length, 2);
      const ordered = await get('/machines?$orderby=computerDnsName asc&$top=2');
      assert.deepEqual(names(ordered.body.value), ['contoso-dc-01', 'fin-laptop-07']);
      for (const bad of [
        "$filter=machineTags eq 'x'",
        "$filter=color eq 'red'",
        '$orderby=color',
      ]) {
        const res = await get(`/machines?${bad}`);
        assert.equal(res.status, 400, bad);
        assert.equal(res.body.error.code, 'ODataError', bad);
      }
    });

    it('answers 404 when the tenant has no machines at all, as documented', async () => {
      await emulator.close();
      emulator = await startTestEmulator({
        tenants: [
          {
            tenantId: DEMO_TENANT_ID,
            name: 'Empty',
            apps: [
              {
                clientId: 'c0a1b2c3-d4e5-4f60-8a71-9b2c3d4e5f60',
                clientSecret: 'emulator-demo-secret',
              },
            ],
          },
        ],
      });
      token = await getToken(emulator, MDE_SCOPE);
      const res = await get('/machines');
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'ResourceNotFound');
      assert.equal((await get('/machineactions')).status, 200);
    });
  });

  describe('GET /api/machineactions', () => {
    it('orders with $orderby on creationDateTimeUtc and filters on creationDateTimeUtc', async () => {
      await post(`/machines/${D.opsWorkstation31}/isolate`, { Comment: 'first' });
      clock.advance(10_000);
      await post(`/machines/${D.opsWorkstation31}/restrictCodeExecution`, { Comment: 'second' });
      const comments = async (query: string): Promise<string[]> => {
        const value: { requestorComment: string }[] = (await get(`/machineactions?${query}`)).body
          .value;
        return value.map((a) => a.requestorComment);
      };
      const mine = `$filter=machineId eq '${D.opsWorkstation31}'`;
      assert.deepEqual(await comments(mine), ['second', 'first']);
      assert.deepEqual(await comments(`${mine}&$orderby=creationDateTimeUtc asc`), [
        'first',
        'second',
      ]);
      assert.deepEqual(await comments(`${mine}&$orderby=CreationDateTimeUtc desc`), [
        'second',
        'first',
      ]);
      const since = new Date(clock.ms - 5_000).toISOString();
      assert.deepEqual(await comments(`$filter=creationDateTimeUtc ge ${since}`), ['second']);
      assert.deepEqual(await comments(`${mine}&$skip=1`), ['first']);
      const bad = await get('/machineactions?$orderby=status desc');
      assert.equal(bad.status, 400);
    });
  });

  describe('actions a device cannot take', () => {
    const refused = async (
      id: string,
      path: string,
      body: unknown,
      code: string,
      message?: RegExp,
    ) => {
      const res = await post(`/machines/${id}/${path}`, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code);
      assert.equal(typeof res.body.error.target, 'string');
      if (message) assert.match(res.body.error.message, message);
    };

    it('refuses selective isolation and app restriction on Linux with OsPlatformNotSupported', async () => {
      await refused(
        D.webLinux02,
        'isolate',
        { Comment: 'x', IsolationType: 'Selective' },
        'OsPlatformNotSupported',
        /^OS Platform Linux isn't supported for this action\.$/,
      );
      await refused(
        D.webLinux02,
        'restrictCodeExecution',
        { Comment: 'x' },
        'OsPlatformNotSupported',
      );
      await refused(
        D.webLinux02,
        'StopAndQuarantineFile',
        { Comment: 'x', Sha1: DEMO_FILE_SHA1 },
        'OsPlatformNotSupported',
      );
      const full = await post(`/machines/${D.webLinux02}/isolate`, {
        Comment: 'x',
        IsolationType: 'Full',
      });
      assert.equal(full.status, 201);
    });

    it('refuses Windows 10 1607 with ClientVersionNotSupported (selective needs 1709, full 1703)', async () => {
      await refused(
        D.labHmi01,
        'isolate',
        { Comment: 'x', IsolationType: 'Selective' },
        'ClientVersionNotSupported',
        /^Selective isolation is supported on client version 1709 and above\.$/,
      );
      await refused(D.labHmi01, 'isolate', { Comment: 'x' }, 'ClientVersionNotSupported', /1703/);
      await refused(
        D.labHmi01,
        'restrictCodeExecution',
        { Comment: 'x' },
        'ClientVersionNotSupported',
      );
      const selective = await post(`/machines/${D.hrDesktop03}/isolate`, {
        Comment: 'x',
        IsolationType: 'Selective',
      });
      assert.equal(selective.status, 201, 'Windows 10 22H2 supports selective isolation');
    });

    it('lets a device that is not onboarded only be contained (UnManagedDevice)', async () => {
      await refused(D.meetingRoomPc04, 'isolate', { Comment: 'x' }, 'BadRequest', /not onboarded/);
      await refused(D.meetingRoomPc04, 'restrictCodeExecution', { Comment: 'x' }, 'BadRequest');
      const contain = await post(`/machines/${D.meetingRoomPc04}/isolate`, {
        Comment: 'contain',
        IsolationType: 'UnManagedDevice',
      });
      assert.equal(contain.status, 201);
      assert.equal(contain.body.scope, 'UnManagedDevice');
      await refused(
        D.opsWorkstation31,
        'isolate',
        { Comment: 'x', IsolationType: 'UnManagedDevice' },
        'InvalidInput',
      );
    });

    it('accepts an action for an inactive device, which stays Pending and times out', async () => {
      const res = await post(`/machines/${D.marketingLaptop22}/isolate`, { Comment: 'stale' });
      assert.equal(res.status, 201);
      const status = async (): Promise<string> => {
        const action: { status: string } = (await get(`/machineactions/${res.body.id}`)).body;
        return action.status;
      };
      clock.advance(timings.toFinalMs);
      assert.equal(await status(), 'Pending', 'the device never checks in');
      assert.equal(
        (await post(`/machines/${D.marketingLaptop22}/isolate`, { Comment: 'again' })).status,
        400,
      );
      clock.advance(3 * DAY);
      token = await getToken(emulator, MDE_SCOPE); // the old one expired meanwhile
      assert.equal(await status(), 'TimeOut');
      assert.equal((await get(`/machines/${D.marketingLaptop22}`)).body.emulator.isolated, false);
    });
  });
});
