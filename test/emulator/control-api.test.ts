import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import {
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';
import { call, getToken, GRAPH_SCOPE, startTestEmulator } from './emulator-harness.ts';

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
