import assert from 'node:assert/strict';
import {
  DEMO_BOT_APP_ID,
  DEMO_DIRECTORY,
  DEMO_TENANT_ID,
  FABRIKAM_TENANT_ID,
  TEAMS_APP_MANIFEST_ID,
} from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import {
  call,
  FABRIKAM,
  getToken,
  GRAPH_SCOPE,
  startTestEmulator,
  TestClock,
} from './emulator-harness.ts';

const C = DEMO_DIRECTORY.contoso;
const CATALOG_ID = C.teamsApp.catalogId;
const ISAIAH = C.contacts.neverOpenedApp.userId;
const PATTI = C.contacts.emailOnly.userId;
const ALEX = C.installed.alexWilber;
const BIND = `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${CATALOG_ID}`;

describe('emulator: Graph Teams app catalog, installations for users and their chats', () => {
  let emulator: RunningEmulator;
  let token: string;
  const clock = new TestClock();
  const graph = (path: string) => `${emulator.graphBaseUrl}/v1.0${path}`;
  const installed = (userId: string, query = '') =>
    graph(`/users/${userId}/teamwork/installedApps${query}`);
  const install = (userId: string, body: unknown = { 'teamsApp@odata.bind': BIND }, t = token) =>
    call(installed(userId), { token: t, method: 'POST', body });

  beforeEach(async () => {
    emulator = await startTestEmulator({ now: clock.now });
    token = await getToken(emulator, GRAPH_SCOPE);
  });
  afterEach(() => emulator.close());

  describe('GET /appCatalogs/teamsApps', () => {
    it('finds our app by its manifest id; its catalog id differs', async () => {
      const res = await call(
        graph(`/appCatalogs/teamsApps?$filter=externalId eq '${TEAMS_APP_MANIFEST_ID}'`),
        { token },
      );
      assert.equal(res.status, 200);
      assert.match(res.body['@odata.context'], /\$metadata#appCatalogs\/teamsApps$/);
      assert.deepEqual(res.body.value, [
        {
          id: CATALOG_ID,
          externalId: TEAMS_APP_MANIFEST_ID,
          displayName: 'Managed Response',
          distributionMethod: 'organization',
        },
      ]);
      assert.notEqual(CATALOG_ID, TEAMS_APP_MANIFEST_ID);
    });

    it("narrows to the organization's apps and expands appDefinitions", async () => {
      const all = await call(graph('/appCatalogs/teamsApps'), { token });
      assert.deepEqual(all.body.value.map((a: { displayName: string }) => a.displayName).sort(), [
        'Managed Response',
        'OneNote',
      ]);
      const org = await call(
        graph(
          `/appCatalogs/teamsApps?$filter=distributionMethod eq 'organization' and externalId eq '${TEAMS_APP_MANIFEST_ID}'&$expand=appDefinitions`,
        ),
        { token },
      );
      assert.equal(org.body.value.length, 1);
      const [definition] = org.body.value[0].appDefinitions;
      assert.equal(definition.teamsAppId, CATALOG_ID);
      assert.equal(definition.azureADAppId, DEMO_BOT_APP_ID);
      assert.equal(definition.publishingState, 'published');
      assert.equal(
        Buffer.from(definition.id, 'base64').toString(),
        `${CATALOG_ID}##${definition.version}`,
      );
    });

    it('answers an empty value when the tenant catalog lacks the app', async () => {
      emulator.control.setInCatalog(DEMO_TENANT_ID, CATALOG_ID, false);
      const res = await call(
        graph(`/appCatalogs/teamsApps?$filter=externalId eq '${TEAMS_APP_MANIFEST_ID}'`),
        { token },
      );
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.value, []);
    });

    it('needs AppCatalog.Read.All, and refuses unknown $filter properties and $expand', async () => {
      const bad = await call(graph("/appCatalogs/teamsApps?$filter=manifestId eq 'x'"), { token });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'BadRequest');
      const badExpand = await call(graph('/appCatalogs/teamsApps?$expand=bots'), { token });
      assert.equal(badExpand.status, 400);
      emulator.control.revokeRole(DEMO_TENANT_ID, 'AppCatalog.Read.All');
      const denied = await call(graph('/appCatalogs/teamsApps'), { token });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'Forbidden');
      assert.match(denied.body.error.message, /API requires one of 'AppCatalog\.Read\.All/);
      assert.equal(typeof denied.body.error.innerError['request-id'], 'string');
    });
  });

  describe('GET /users/{id}/teamwork/installedApps', () => {
    it('shows an installed app with $expand and $filter on teamsApp/id or teamsApp/externalId', async () => {
      for (const filter of [
        `teamsApp/id eq '${CATALOG_ID}'`,
        `teamsApp/externalId eq '${TEAMS_APP_MANIFEST_ID}'`,
      ]) {
        const res = await call(
          installed(ALEX, `?$expand=teamsApp,teamsAppDefinition&$filter=${filter}`),
          { token },
        );
        assert.equal(res.status, 200, filter);
        assert.equal(res.body.value.length, 1, filter);
        const [item] = res.body.value;
        assert.equal(Buffer.from(item.id, 'base64').toString(), `${ALEX}##${CATALOG_ID}`);
        assert.equal(item.teamsApp.id, CATALOG_ID);
        assert.equal(item.teamsApp.externalId, TEAMS_APP_MANIFEST_ID);
        assert.equal(item.teamsAppDefinition.azureADAppId, DEMO_BOT_APP_ID);
      }
      const plain = await call(installed(ALEX), { token });
      assert.equal(plain.body.value.length, 2, 'our app and OneNote');
      assert.ok(
        plain.body.value.every((i: object) => !('teamsApp' in i)),
        'no expand, no teamsApp',
      );
    });

    it('answers an empty value for a user who never opened the app, 404 for an unknown user', async () => {
      const res = await call(
        installed(ISAIAH, `?$expand=teamsApp&$filter=teamsApp/id eq '${CATALOG_ID}'`),
        { token },
      );
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.value, []);
      const unknown = await call(installed('00000000-0000-4000-8000-000000000000'), { token });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'NotFound');
    });

    it('accepts the user principal name in place of the id', async () => {
      const res = await call(installed('alexw@contoso.example'), { token });
      assert.equal(res.status, 200);
      assert.equal(res.body.value.length, 2);
    });
  });

  describe('POST /users/{id}/teamwork/installedApps', () => {
    it('installs with 201 and no body; the installation and its 1:1 chat then appear', async () => {
      const before = Date.parse(clock.now().toISOString());
      const res = await install(ISAIAH);
      assert.equal(res.status, 201);
      assert.equal(res.body, undefined);
      const list = await call(installed(ISAIAH, `?$filter=teamsApp/id eq '${CATALOG_ID}'`), {
        token,
      });
      assert.equal(list.body.value.length, 1);
      const installationId: string = list.body.value[0].id;
      const one = await call(installed(ISAIAH, `/${installationId}?$expand=teamsApp`), { token });
      assert.equal(one.status, 200);
      assert.equal(one.body.teamsApp.id, CATALOG_ID);
      const chat = await call(installed(ISAIAH, `/${installationId}/chat`), { token });
      assert.equal(chat.status, 200);
      assert.match(chat.body['@odata.context'], /\$metadata#chats\/\$entity$/);
      assert.equal(chat.body.id, `19:${DEMO_BOT_APP_ID}_${ISAIAH}@unq.gbl.spaces`);
      assert.equal(chat.body.chatType, 'oneOnOne');
      assert.equal(chat.body.tenantId, DEMO_TENANT_ID);
      assert.equal(Date.parse(chat.body.createdDateTime), before);
      const [record] = emulator.control
        .listInstallations(DEMO_TENANT_ID, ISAIAH)
        .filter((i) => i.teamsAppId === CATALOG_ID);
      assert.equal(record?.installationId, installationId);
      assert.equal(record?.chatId, chat.body.id);
    });

    it('reports the chat id a test set, e.g. a conversation its fake connector knows', async () => {
      emulator.control.setChatId(DEMO_TENANT_ID, ISAIAH, 'a:fake-connector-isaiah');
      assert.equal((await install(ISAIAH)).status, 201);
      const list = await call(installed(ISAIAH, `?$filter=teamsApp/id eq '${CATALOG_ID}'`), {
        token,
      });
      const chat = await call(installed(ISAIAH, `/${list.body.value[0].id}/chat?$select=id`), {
        token,
      });
      assert.equal(chat.body.id, 'a:fake-connector-isaiah');
      assert.equal(chat.body.chatType, undefined, '$select=id keeps only id');
    });

    it('answers 409 Conflict when the app is already installed', async () => {
      const res = await install(ALEX);
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'Conflict');
      assert.equal((await install(ISAIAH)).status, 201);
      assert.equal((await install(ISAIAH)).status, 409);
    });

    it('answers 404 when the app is not in the tenant catalog or the user does not exist', async () => {
      const unknownApp = await install(ISAIAH, {
        'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/nope',
      });
      assert.equal(unknownApp.status, 404);
      assert.equal(unknownApp.body.error.code, 'NotFound');
      emulator.control.setInCatalog(DEMO_TENANT_ID, CATALOG_ID, false);
      const removed = await install(ISAIAH);
      assert.equal(removed.status, 404);
      assert.match(removed.body.error.message, /not found in the tenant's app catalog/);
      emulator.control.setInCatalog(DEMO_TENANT_ID, CATALOG_ID, true);
      const noUser = await install('00000000-0000-4000-8000-000000000000');
      assert.equal(noUser.status, 404);
      assert.deepEqual(emulator.control.listInstallations(DEMO_TENANT_ID, ISAIAH).length, 1);
    });

    it('answers 403 Forbidden in Fabrikam, whose admin did not grant the installation permission', async () => {
      const fabrikam = await getToken(
        emulator,
        GRAPH_SCOPE,
        FABRIKAM.tenantId,
        FABRIKAM.clientId,
        FABRIKAM.clientSecret,
      );
      const F = DEMO_DIRECTORY.fabrikam;
      const res = await install(
        F.contact.userId,
        {
          'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${F.teamsApp.catalogId}`,
        },
        fabrikam,
      );
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'Forbidden');
      assert.match(
        res.body.error.message,
        /^Missing role permissions on the request\. API requires one of 'TeamsAppInstallation\.ReadWriteSelfForUser\.All,/,
      );
      assert.doesNotMatch(res.body.error.message, /Roles on the request '.*TeamsAppInstallation/);
      const list = await call(graph(`/users/${F.contact.userId}/teamwork/installedApps`), {
        token: fabrikam,
      });
      assert.equal(list.status, 403, 'reading installations needs a TeamsAppInstallation role too');
      assert.deepEqual(emulator.control.listInstallations(FABRIKAM_TENANT_ID), []);
      // Granting it takes effect at once, without a new token (see app-roles.ts).
      emulator.control.grantRole(
        FABRIKAM_TENANT_ID,
        'TeamsAppInstallation.ReadWriteSelfForUser.All',
      );
      const granted = await install(
        F.contact.userId,
        {
          'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${F.teamsApp.catalogId}`,
        },
        fabrikam,
      );
      assert.equal(granted.status, 201);
    });

    it("answers 403 with Graph's policy message when the app permission policy blocks the app", async () => {
      const res = await install(PATTI);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'Forbidden');
      assert.equal(
        res.body.error.message,
        `App is blocked by app permission policy. TenantId: ${DEMO_TENANT_ID}, UserObjectId: ${PATTI}, AppId: ${CATALOG_ID}, AppType: Private`,
      );
      assert.equal(res.body.error.innerError.code, 'AccessDenied');
      emulator.control.setAppInstallBlockedByPolicy(DEMO_TENANT_ID, PATTI, false);
      assert.equal((await install(PATTI)).status, 201);
      emulator.control.setAppInstallBlockedByPolicy(DEMO_TENANT_ID, ISAIAH, true);
      assert.equal((await install(ISAIAH)).status, 403);
    });

    it('answers 403 for a user without a Teams license', async () => {
      const res = await install(C.noTeamsLicense.userId);
      assert.equal(res.status, 403);
      assert.match(res.body.error.message, /^Failed to get license information for the user\./);
      assert.equal(res.body.error.innerError.code, undefined);
    });

    it('validates the odata.bind body with 400', async () => {
      const cases: unknown[] = [
        {},
        { teamsApp: CATALOG_ID },
        { 'teamsApp@odata.bind': `https://evil.example/v1.0/appCatalogs/teamsApps/${CATALOG_ID}` },
        { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/teams/${CATALOG_ID}` },
        { 'teamsApp@odata.bind': 'not a url' },
        '{oops',
      ];
      for (const body of cases) {
        const res = await install(ISAIAH, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'BadRequest', JSON.stringify(body));
      }
      const beta = await install(ISAIAH, {
        'teamsApp@odata.bind': `https://graph.microsoft.com/beta/appCatalogs/teamsApps/${CATALOG_ID}`,
      });
      assert.equal(beta.status, 201, 'a beta URL binds the same app');
    });

    it('removes an installation with DELETE (204); its chat is then 404', async () => {
      const list = await call(installed(ALEX, `?$filter=teamsApp/id eq '${CATALOG_ID}'`), {
        token,
      });
      const id: string = list.body.value[0].id;
      const removed = await call(installed(ALEX, `/${encodeURIComponent(id)}`), {
        token,
        method: 'DELETE',
      });
      assert.equal(removed.status, 204);
      const chat = await call(installed(ALEX, `/${id}/chat`), { token });
      assert.equal(chat.status, 404);
      assert.equal((await install(ALEX)).status, 201, 'can be installed again');
    });

    it('refuses reads and installs when every TeamsAppInstallation role is revoked', async () => {
      emulator.control.revokeRole(DEMO_TENANT_ID, 'TeamsAppInstallation.ReadWriteSelfForUser.All');
      assert.equal((await install(ISAIAH)).status, 403);
      assert.equal((await call(installed(ALEX), { token })).status, 403);
      emulator.control.grantRole(DEMO_TENANT_ID, 'TeamsAppInstallation.ReadForUser.All');
      assert.equal((await call(installed(ALEX), { token })).status, 200, 'read-only role reads');
      assert.equal((await install(ISAIAH)).status, 403, 'but cannot install');
    });
  });
});
