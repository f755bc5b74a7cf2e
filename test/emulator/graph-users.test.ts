import assert from 'node:assert/strict';
import { DEMO_DIRECTORY, DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import { call, FABRIKAM, getToken, GRAPH_SCOPE, startTestEmulator } from './emulator-harness.ts';

const C = DEMO_DIRECTORY.contoso;

describe('emulator: Graph users (the directory a client reads contacts from)', () => {
  let emulator: RunningEmulator;
  let token: string;
  const users = (path = '') => `${emulator.graphBaseUrl}/v1.0/users${path}`;

  before(async () => {
    emulator = await startTestEmulator();
    token = await getToken(emulator, GRAPH_SCOPE);
  });
  after(() => emulator.close());
  afterEach(() => emulator.control.reset());

  it('gets a user by id or user principal name, with $select', async () => {
    const { userId, name, mail } = C.contacts.neverOpenedApp;
    const byId = await call(users(`/${userId}`), { token });
    assert.equal(byId.status, 200);
    assert.match(byId.body['@odata.context'], /\$metadata#users\/\$entity$/);
    assert.deepEqual(
      [byId.body.id, byId.body.displayName, byId.body.mail, byId.body.userPrincipalName],
      [userId, name, mail, mail],
    );
    const byUpn = await call(users(`/${mail.toUpperCase()}?$select=id,mail`), { token });
    assert.equal(byUpn.status, 200);
    assert.deepEqual(Object.keys(byUpn.body).sort(), ['@odata.context', 'id', 'mail']);
    const badSelect = await call(users(`/${userId}?$select=shoeSize`), { token });
    assert.equal(badSelect.status, 400);
  });

  it("answers the directory's 404 Request_ResourceNotFound for an unknown user", async () => {
    const res = await call(users('/00000000-0000-4000-8000-000000000000'), { token });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'Request_ResourceNotFound');
    assert.match(
      res.body.error.message,
      /^Resource '00000000-0000-4000-8000-000000000000' does not exist/,
    );
  });

  it('lists users with $filter and pages with $top and @odata.nextLink', async () => {
    const filtered = await call(users(`?$filter=mail eq '${C.contacts.emailOnly.mail}'`), {
      token,
    });
    assert.deepEqual(
      filtered.body.value.map((u: { id: string }) => u.id),
      [C.contacts.emailOnly.userId],
    );
    const starts = await call(users("?$filter=startswith(displayName,'Contoso')"), { token });
    assert.deepEqual(
      starts.body.value.map((u: { mail: string }) => u.mail),
      [C.serviceMailbox.mail],
    );
    const seen: string[] = [];
    let next: string | undefined = users('?$top=3');
    while (next) {
      const page = await call(next, { token });
      assert.ok(page.body.value.length <= 3);
      seen.push(...page.body.value.map((u: { id: string }) => u.id));
      next = page.body['@odata.nextLink'];
    }
    assert.equal(seen.length, emulator.control.listUsers(DEMO_TENANT_ID).length);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('keeps tenants apart and needs a directory read role', async () => {
    const fabrikam = await getToken(
      emulator,
      GRAPH_SCOPE,
      FABRIKAM.tenantId,
      FABRIKAM.clientId,
      FABRIKAM.clientSecret,
    );
    assert.equal(
      (await call(users(`/${C.installed.alexWilber}`), { token: fabrikam })).status,
      404,
    );
    emulator.control.revokeRole(DEMO_TENANT_ID, 'User.Read.All');
    const denied = await call(users(`/${C.installed.alexWilber}`), { token });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'Authorization_RequestDenied');
    emulator.control.grantRole(DEMO_TENANT_ID, 'User.ReadBasic.All');
    assert.equal((await call(users(`/${C.installed.alexWilber}`), { token })).status, 200);
  });
});
