import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import {
  DEMO_BOT_APP_ID,
  DEMO_DIRECTORY,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import {
  startEmulator,
  type EmulatorUserView,
  type RunningEmulator,
} from '../../src/emulator/emulator.ts';
import { call, getToken, GRAPH_SCOPE, MDE_SCOPE, startTestEmulator } from './emulator-harness.ts';

const incidentPath = (id: string) => `/_emulator/tenants/${DEMO_TENANT_ID}/incidents/${id}`;

describe('emulator: control API over HTTP', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());

  it('lets the experts move an incident and comment, visible through Graph', async () => {
    const id = DEMO_INCIDENT_IDS.expertsInvestigating;
    const patched = await call(`${emulator.url}${incidentPath(id)}`, {
      method: 'PATCH',
      body: { status: 'AwaitingAction', assignedTo: 'Customer' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.status, 'awaitingAction');
    const commented = await call(`${emulator.url}${incidentPath(id)}/comments`, {
      method: 'POST',
      body: { comment: 'Please isolate fin-laptop-07.' },
    });
    assert.equal(commented.status, 200);
    assert.equal(commented.body.value.at(-1).createdByDisplayName, 'Defender Experts');
    const token = await getToken(emulator, GRAPH_SCOPE);
    const seen = await call(`${emulator.graphBaseUrl}/v1.0/security/incidents/${id}`, {
      token,
      headers: { Prefer: 'include-unknown-enum-members' },
    });
    assert.equal(seen.body.status, 'awaitingAction');
    assert.equal(seen.body.comments.at(-1).comment, 'Please isolate fin-laptop-07.');
    const invalid = await call(`${emulator.url}${incidentPath(id)}`, {
      method: 'PATCH',
      body: { status: 'nope' },
    });
    assert.equal(invalid.status, 400);
  });

  it('creates (201) and replaces (200) incidents from Graph-shaped seeds', async () => {
    const seed = {
      id: '4000001',
      displayName: 'Seeded over HTTP',
      severity: 'low',
      alerts: [{ id: 'da4000001_1', title: 'A' }],
    };
    const created = await call(`${emulator.url}/_emulator/tenants/${DEMO_TENANT_ID}/incidents`, {
      method: 'POST',
      body: seed,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'active');
    assert.equal(
      created.body.incidentWebUrl,
      `https://security.microsoft.com/incidents/4000001?tid=${DEMO_TENANT_ID}`,
    );
    const replaced = await call(`${emulator.url}/_emulator/tenants/${DEMO_TENANT_ID}/incidents`, {
      method: 'POST',
      body: { ...seed, displayName: 'Renamed' },
    });
    assert.equal(replaced.status, 200);
    assert.equal(
      (await call(`${emulator.url}${incidentPath('4000001')}`)).body.displayName,
      'Renamed',
    );
    const bad = await call(`${emulator.url}/_emulator/tenants/${DEMO_TENANT_ID}/incidents`, {
      method: 'POST',
      body: { id: 'abc' },
    });
    assert.equal(bad.status, 400);
    assert.equal(emulator.control.getIncident(FABRIKAM_TENANT_ID, '4000001'), undefined);
  });

  it('answers 404 for unknown tenants and incidents', async () => {
    assert.equal((await call(`${emulator.url}${incidentPath('123')}`)).status, 404);
    assert.equal(
      (
        await call(
          `${emulator.url}/_emulator/tenants/00000000-0000-4000-8000-000000000000/incidents`,
        )
      ).status,
      404,
    );
  });

  it('lists tenants and machine actions', async () => {
    const tenants = await call(`${emulator.url}/_emulator/tenants`);
    assert.deepEqual(
      tenants.body.value.map((t: { name: string }) => t.name),
      ['Contoso', 'Fabrikam'],
    );
    const actions = await call(
      `${emulator.url}/_emulator/tenants/${DEMO_TENANT_ID}/machineactions`,
    );
    assert.deepEqual(actions.body.value, []);
  });
});

describe('emulator: demo handover to Awaiting Customer Action', () => {
  let emulator: RunningEmulator | undefined;
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(async () => {
    timers.restore();
    await emulator?.close();
    emulator = undefined;
  });

  const handover = () => emulator!.control.getIncident(DEMO_TENANT_ID, DEMO_INCIDENT_IDS.handover)!;

  it('moves the handover incident to awaitingAction / Customer with a comment after demoAwaitingAfterMs', async () => {
    emulator = await startTestEmulator({ demoAwaitingAfterMs: 5_000 });
    const before = handover();
    assert.equal(before.status, 'inProgress');
    assert.equal(before.assignedTo, 'Defender Experts');
    timers.tick(4_999);
    assert.equal(handover().status, 'inProgress');
    timers.tick(1);
    const after = handover();
    assert.equal(after.status, 'awaitingAction');
    assert.equal(after.assignedTo, 'Customer');
    assert.equal(after.comments.length, before.comments.length + 1);
    assert.match(after.comments.at(-1)!.comment, /isolate/);
    assert.ok(after.lastUpdateDateTime > before.lastUpdateDateTime);
  });

  it('hands over after 20 s by default', async () => {
    const tls = await ensureDevCertificate('artifacts/tls');
    emulator = await startEmulator({ tls });
    timers.tick(19_999);
    assert.equal(handover().status, 'inProgress');
    timers.tick(1);
    assert.equal(handover().status, 'awaitingAction');
  });

  it('never hands over when demoAwaitingAfterMs is null', async () => {
    emulator = await startTestEmulator({ demoAwaitingAfterMs: null });
    timers.tick(24 * 60 * 60_000);
    assert.equal(handover().status, 'inProgress');
  });

  it('leaves the incident alone if it was moved on before the handover time', async () => {
    emulator = await startTestEmulator({ demoAwaitingAfterMs: 1_000 });
    emulator.control.patchIncident(DEMO_TENANT_ID, DEMO_INCIDENT_IDS.handover, {
      status: 'resolved',
    });
    timers.tick(1_000);
    assert.equal(handover().status, 'resolved');
    assert.equal(handover().assignedTo, 'Defender Experts');
  });
});

describe('emulator: control API for directory, Teams, roles, mail, machines and reset', () => {
  let emulator: RunningEmulator;
  const C = DEMO_DIRECTORY.contoso;
  const tenant = (path: string) => `${emulator.url}/_emulator/tenants/${DEMO_TENANT_ID}${path}`;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());
  afterEach(async () => {
    assert.equal((await call(`${emulator.url}/_emulator/reset`, { method: 'POST' })).status, 204);
  });

  const graphToken = () => getToken(emulator, GRAPH_SCOPE);
  const installFor = async (userId: string) =>
    call(`${emulator.graphBaseUrl}/v1.0/users/${userId}/teamwork/installedApps`, {
      token: await graphToken(),
      method: 'POST',
      body: {
        'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${C.teamsApp.catalogId}`,
      },
    });

  it('lists users with their Teams facts and installations', async () => {
    const users = (await call(tenant('/users'))).body.value as EmulatorUserView[];
    const byId = new Map(users.map((u) => [u.id, u]));
    assert.deepEqual(byId.get(C.contacts.neverOpenedApp.userId)?.installedTeamsApps, [
      C.storeApp.catalogId,
    ]);
    assert.equal(byId.get(C.contacts.emailOnly.userId)?.appInstallBlockedByPolicy, true);
    assert.equal(byId.get(C.noTeamsLicense.userId)?.teamsLicensed, false);
    assert.equal(byId.get(C.installed.alexWilber)?.chatId, C.playgroundChats.alexWilber);
    assert.equal(
      byId.get(C.installed.adeleVance)?.chatId,
      `19:${DEMO_BOT_APP_ID}_${C.installed.adeleVance}@unq.gbl.spaces`,
    );
    const installs = (await call(tenant(`/users/${C.installed.alexWilber}/installedApps`))).body
      .value;
    assert.deepEqual(installs.map((i: { displayName: string }) => i.displayName).sort(), [
      'Managed Response',
      'OneNote',
    ]);
  });

  it('shows installs clients made, and sets chat ids, policy blocks, licenses and catalog presence', async () => {
    const isaiah = C.contacts.neverOpenedApp.userId;
    const chat = await call(tenant(`/users/${isaiah}/chat`), {
      method: 'PUT',
      body: { chatId: 'a:playground-isaiah' },
    });
    assert.equal(chat.status, 200);
    assert.equal(chat.body.chatId, 'a:playground-isaiah');
    assert.equal((await installFor(isaiah)).status, 201);
    const installs = (await call(tenant(`/installedApps?userId=${isaiah}`))).body.value;
    const ours = installs.find(
      (i: { teamsAppId: string }) => i.teamsAppId === C.teamsApp.catalogId,
    );
    assert.equal(ours.chatId, 'a:playground-isaiah');
    assert.equal(ours.externalId, C.teamsApp.manifestId);

    const patti = C.contacts.emailOnly.userId;
    const unblock = await call(tenant(`/users/${patti}/appPolicy`), {
      method: 'PUT',
      body: { blocked: false },
    });
    assert.equal(unblock.body.appInstallBlockedByPolicy, false);
    assert.equal((await installFor(patti)).status, 201);

    const lynne = C.noTeamsLicense.userId;
    await call(tenant(`/users/${lynne}/teamsLicense`), { method: 'PUT', body: { licensed: true } });
    assert.equal((await installFor(lynne)).status, 201);

    const removed = await call(tenant(`/teamsApps/${C.teamsApp.catalogId}/catalog`), {
      method: 'PUT',
      body: { inCatalog: false },
    });
    assert.equal(removed.body.inCatalog, false);
    assert.equal((await installFor(C.installed.adeleVance)).status, 404, 'not in the catalog');
    const apps = (await call(tenant('/teamsApps'))).body.value;
    assert.equal(apps.find((a: { id: string }) => a.id === C.teamsApp.catalogId).inCatalog, false);

    for (const [path, body] of [
      ['/users/00000000-0000-4000-8000-000000000000/chat', { chatId: 'x' }],
      ['/teamsApps/nope/catalog', { inCatalog: true }],
    ] as const) {
      assert.equal((await call(tenant(path), { method: 'PUT', body })).status, 404, path);
    }
    assert.equal(
      (await call(tenant(`/users/${patti}/appPolicy`), { method: 'PUT', body: { blocked: 'yes' } }))
        .status,
      400,
    );
  });

  it('creates users and grants and revokes roles', async () => {
    const created = await call(tenant('/users/22222222-3333-4444-8555-666666666666'), {
      method: 'PUT',
      body: {
        displayName: 'New Contact',
        userPrincipalName: 'newc@contoso.example',
        mail: 'newc@contoso.example',
      },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.teamsLicensed, true);
    assert.equal((await call(tenant('/users/x'), { method: 'PUT', body: {} })).status, 400);
    const revoked = await call(tenant('/roles/Mail.Send'), { method: 'DELETE' });
    assert.ok(!revoked.body.value.includes('Mail.Send'));
    const granted = await call(tenant('/roles/TeamsAppInstallation.ReadWriteForUser.All'), {
      method: 'PUT',
    });
    assert.ok(granted.body.value.includes('TeamsAppInstallation.ReadWriteForUser.All'));
    assert.deepEqual((await call(tenant('/roles'))).body.value, granted.body.value);
    assert.equal((await call(tenant('/roles/Bogus.Role'), { method: 'PUT' })).status, 400);
  });

  it('lists and clears the mail clients sent', async () => {
    const res = await call(
      `${emulator.graphBaseUrl}/v1.0/users/${C.serviceMailbox.userId}/sendMail`,
      {
        token: await graphToken(),
        method: 'POST',
        body: {
          message: {
            subject: 'Awaiting your action',
            body: { contentType: 'Text', content: 'Please isolate prod-server-01.' },
            toRecipients: [{ emailAddress: { address: C.contacts.emailOnly.mail } }],
          },
        },
      },
    );
    assert.equal(res.status, 202);
    const mail = (await call(tenant('/sentMail'))).body.value;
    assert.equal(mail.length, 1);
    assert.deepEqual(
      [mail[0].toRecipients, mail[0].subject, mail[0].textBody, mail[0].htmlBody],
      [[C.contacts.emailOnly.mail], 'Awaiting your action', 'Please isolate prod-server-01.', null],
    );
    assert.equal((await call(tenant('/sentMail'), { method: 'DELETE' })).status, 204);
    assert.deepEqual((await call(tenant('/sentMail'))).body.value, []);
  });

  it('seeds machines and earlier machine actions that the MDE API then shows', async () => {
    const id = 'abcdefabcdefabcdefabcdefabcdefabcdef0001';
    const machine = await call(tenant(`/machines/${id}`), {
      method: 'PUT',
      body: { computerDnsName: 'new-ws-1', osPlatform: 'Windows11', machineTags: ['HighValue'] },
    });
    assert.equal(machine.status, 200);
    const history = await call(tenant('/machineactions'), {
      method: 'POST',
      body: {
        machineId: id,
        type: 'Isolate',
        status: 'Succeeded',
        scope: 'Selective',
        requestor: 'admin@contoso.example',
        requestorComment: 'Isolated from the portal',
        creationDateTimeUtc: '2025-03-10T07:00:00Z',
      },
    });
    assert.equal(history.status, 201);
    assert.equal(history.body.source, 'seed');
    assert.equal(history.body.requestSource, 'Portal');
    const mde = await getToken(emulator, MDE_SCOPE);
    const listed = await call(
      `${emulator.mdeBaseUrl}/api/machineactions?$filter=machineId eq '${id}'`,
      { token: mde },
    );
    assert.deepEqual(
      listed.body.value.map((a: { requestor: string; status: string }) => [a.requestor, a.status]),
      [['admin@contoso.example', 'Succeeded']],
    );
    const fromApi = await call(`${emulator.mdeBaseUrl}/api/machines/${id}`, { token: mde });
    assert.equal(fromApi.body.emulator.isolationType, 'Selective');
    assert.deepEqual((await call(tenant('/machineactions'))).body.value, []);
    assert.equal(
      (await call(tenant('/machineactions?includeSeeded=true'))).body.value.length,
      4,
      'the demo history and this one',
    );
    const bad = await call(tenant('/machineactions'), { method: 'POST', body: { machineId: id } });
    assert.equal(bad.status, 400);
    const unknown = await call(tenant('/machineactions'), {
      method: 'POST',
      body: {
        ...history.body,
        id: undefined,
        machineId: 'ffffffffffffffffffffffffffffffffffffffff',
        creationDateTimeUtc: '2025-03-10T07:00:00Z',
      },
    });
    assert.equal(unknown.status, 404);
  });

  it('resets everything to the seed', async () => {
    await installFor(C.contacts.neverOpenedApp.userId);
    emulator.control.revokeRole(DEMO_TENANT_ID, 'Mail.Send');
    emulator.control.patchIncident(DEMO_TENANT_ID, DEMO_INCIDENT_IDS.active, {
      status: 'resolved',
    });
    emulator.control.injectFault({ kind: '503' });
    emulator.control.reset();
    assert.equal(
      emulator.control.listInstallations(DEMO_TENANT_ID, C.contacts.neverOpenedApp.userId).length,
      1,
      'OneNote only',
    );
    assert.ok(emulator.control.listGrantedRoles(DEMO_TENANT_ID).includes('Mail.Send'));
    assert.equal(
      emulator.control.getIncident(DEMO_TENANT_ID, DEMO_INCIDENT_IDS.active)?.status,
      'active',
    );
    assert.deepEqual(emulator.control.listFaults(), []);
    assert.equal(emulator.control.stats().total, 0);
    assert.equal(
      emulator.control.listMachineActions(DEMO_TENANT_ID, { includeSeeded: true }).length,
      3,
    );
  });
});
