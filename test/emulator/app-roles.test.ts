import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import {
  CONTOSO_GRANTED_ROLES,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DEVICE_IDS,
  DEMO_FILE_SHA1,
  DEMO_TENANT_ID,
  FABRIKAM_GRANTED_ROLES,
} from '../../src/emulator/demo-data.ts';
import type { EmulatorTenantSeed, RunningEmulator } from '../../src/emulator/emulator.ts';
import {
  call,
  FABRIKAM,
  getToken,
  GRAPH_SCOPE,
  MDE_SCOPE,
  startTestEmulator,
} from './emulator-harness.ts';

const TENANT = '2c4e6a8b-0d1f-4a3b-8c5d-7e9f1a2b3c4d';
const DEVICE = 'aaaabbbbccccddddeeeeffff0000111122223333';

function seed(grantedRoles?: string[]): EmulatorTenantSeed {
  return {
    tenantId: TENANT,
    name: 'Northwind',
    apps: [{ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, displayName: 'MDR' }],
    ...(grantedRoles ? { grantedRoles } : {}),
    incidents: [{ id: '500', displayName: 'Seeded' }],
    devices: [{ id: DEVICE, computerDnsName: 'nw-ws-1', osPlatform: 'Windows11' }],
  };
}

describe('emulator: application roles granted per tenant', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  const tokenFor = (scope: string) =>
    getToken(emulator!, scope, TENANT, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);

  it("puts the tenant's granted roles for each API into the token's roles claim", async () => {
    emulator = await startTestEmulator();
    const graph = decodeJwt(await getToken(emulator, GRAPH_SCOPE));
    const mde = decodeJwt(await getToken(emulator, MDE_SCOPE));
    assert.deepEqual(
      [...(graph.roles as string[])].sort(),
      CONTOSO_GRANTED_ROLES.filter((r) => !r.startsWith('Machine.')).sort(),
    );
    assert.deepEqual(
      [...(mde.roles as string[])].sort(),
      CONTOSO_GRANTED_ROLES.filter((r) => r.startsWith('Machine.')).sort(),
    );
    const fabrikam = decodeJwt(
      await getToken(
        emulator,
        GRAPH_SCOPE,
        FABRIKAM.tenantId,
        FABRIKAM.clientId,
        FABRIKAM.clientSecret,
      ),
    );
    assert.ok(!(fabrikam.roles as string[]).some((r) => r.startsWith('TeamsAppInstallation.')));
    assert.ok(
      FABRIKAM_GRANTED_ROLES.filter((r) => !r.startsWith('Machine.')).every((r) =>
        (fabrikam.roles as string[]).includes(r),
      ),
    );
  });

  it('grants every known role to a seed that names none (the behaviour before roles)', async () => {
    emulator = await startTestEmulator({ tenants: [seed()] });
    const graph = await tokenFor(GRAPH_SCOPE);
    const mde = await tokenFor(MDE_SCOPE);
    assert.ok((decodeJwt(graph).roles as string[]).includes('Mail.Send'));
    const url = `${emulator.graphBaseUrl}/v1.0/security/incidents/500`;
    assert.equal(
      (await call(url, { token: graph, method: 'PATCH', body: { status: 'resolved' } })).status,
      200,
    );
    const isolate = await call(`${emulator.mdeBaseUrl}/api/machines/${DEVICE}/isolate`, {
      token: mde,
      method: 'POST',
      body: { Comment: 'x' },
    });
    assert.equal(isolate.status, 201);
  });

  it('refuses Graph incident writes with 403 when only SecurityIncident.Read.All is granted', async () => {
    emulator = await startTestEmulator({ tenants: [seed(['SecurityIncident.Read.All'])] });
    const token = await tokenFor(GRAPH_SCOPE);
    const base = `${emulator.graphBaseUrl}/v1.0/security/incidents`;
    assert.equal((await call(base, { token })).status, 200);
    const patch = await call(`${base}/500`, {
      token,
      method: 'PATCH',
      body: { status: 'resolved' },
    });
    assert.equal(patch.status, 403);
    assert.equal(patch.body.error.code, 'Forbidden');
    assert.match(patch.body.error.message, /'SecurityIncident\.ReadWrite\.All'/);
    assert.match(patch.body.error.message, /Roles on the request 'SecurityIncident\.Read\.All'/);
    const comment = await call(`${base}/500/comments`, {
      token,
      method: 'POST',
      body: { comment: 'x' },
    });
    assert.equal(comment.status, 403);
    assert.equal(emulator.control.getIncident(TENANT, '500')?.status, 'active');
  });

  it("refuses MDE calls without their role in MDE's 403 envelope", async () => {
    emulator = await startTestEmulator({
      tenants: [seed(['Machine.Isolate', 'Machine.StopAndQuarantine'])],
    });
    const token = await tokenFor(MDE_SCOPE);
    const mde = emulator.mdeBaseUrl;
    const read = await call(`${mde}/api/machines/${DEVICE}`, { token });
    assert.equal(read.status, 403);
    assert.deepEqual(
      { code: read.body.error.code, message: read.body.error.message },
      {
        code: 'Forbidden',
        message:
          'Missing application roles. API required roles: Machine.Read.All,Machine.ReadWrite.All, application roles: Machine.Isolate,Machine.StopAndQuarantine.',
      },
    );
    assert.equal(typeof read.body.error.target, 'string');
    assert.equal((await call(`${mde}/api/machineactions`, { token })).status, 403);
    const restrict = await call(`${mde}/api/machines/${DEVICE}/restrictCodeExecution`, {
      token,
      method: 'POST',
      body: { Comment: 'x' },
    });
    assert.equal(restrict.status, 403);
    assert.match(restrict.body.error.message, /API required roles: Machine\.RestrictExecution,/);
    const quarantine = await call(`${mde}/api/machines/${DEVICE}/StopAndQuarantineFile`, {
      token,
      method: 'POST',
      body: { Comment: 'x', Sha1: DEMO_FILE_SHA1 },
    });
    assert.equal(quarantine.status, 403, 'stop and quarantine also needs a machine read role');
    const isolate = await call(`${mde}/api/machines/${DEVICE}/isolate`, {
      token,
      method: 'POST',
      body: { Comment: 'x' },
    });
    assert.equal(isolate.status, 201);
    assert.equal(emulator.control.listMachineActions(TENANT).length, 1);
  });

  it('applies grants and revocations to the next request, with the token the client holds', async () => {
    emulator = await startTestEmulator();
    const token = await getToken(emulator, MDE_SCOPE);
    const url = `${emulator.mdeBaseUrl}/api/machines/${DEMO_DEVICE_IDS.opsWorkstation31}/isolate`;
    emulator.control.revokeRole(DEMO_TENANT_ID, 'Machine.Isolate');
    assert.equal((await call(url, { token, method: 'POST', body: { Comment: 'x' } })).status, 403);
    emulator.control.grantRole(DEMO_TENANT_ID, 'machine.isolate');
    assert.equal((await call(url, { token, method: 'POST', body: { Comment: 'x' } })).status, 201);
    assert.ok(emulator.control.listGrantedRoles(DEMO_TENANT_ID).includes('Machine.Isolate'));
    assert.throws(
      () => emulator!.control.grantRole(DEMO_TENANT_ID, 'Machine.Everything'),
      /Unknown/,
    );
  });

  it("with roleCheck 'tokenRoles', judges by the token's claim, as Entra ID and the services do", async () => {
    emulator = await startTestEmulator({ roleCheck: 'tokenRoles' });
    const before = await getToken(emulator, MDE_SCOPE);
    const url = `${emulator.mdeBaseUrl}/api/machines/${DEMO_DEVICE_IDS.opsWorkstation31}/isolate`;
    emulator.control.revokeRole(DEMO_TENANT_ID, 'Machine.Isolate');
    const stillGranted = await call(url, { token: before, method: 'POST', body: { Comment: 'x' } });
    assert.equal(stillGranted.status, 201, 'the cached token still carries the role');
    const after = await getToken(emulator, MDE_SCOPE);
    assert.ok(!(decodeJwt(after).roles as string[]).includes('Machine.Isolate'));
    const refused = await call(url.replace('isolate', 'unisolate'), {
      token: after,
      method: 'POST',
      body: { Comment: 'x' },
    });
    assert.equal(refused.status, 403);
  });

  it('omits the roles claim when the tenant granted nothing for the API, and rejects unknown role names', async () => {
    emulator = await startTestEmulator({ tenants: [seed(['Machine.Read.All'])] });
    assert.equal(decodeJwt(await tokenFor(GRAPH_SCOPE)).roles, undefined);
    const list = await call(`${emulator.graphBaseUrl}/v1.0/security/incidents`, {
      token: await tokenFor(GRAPH_SCOPE),
    });
    assert.equal(list.status, 403);
    await emulator.close();
    emulator = undefined;
    await assert.rejects(
      startTestEmulator({ tenants: [seed(['Machine.Fly'])] }),
      /Unknown application role 'Machine\.Fly'/,
    );
  });
});
