// The Defender clients over real HTTPS against the local Defender XDR emulator: the real
// ClientSecretCredential token flow, Graph incidents and MDE machine actions, and every fault.
// Run through scripts/run-mocha.ts, which makes the emulator's dev certificate trusted.
import assert from 'node:assert/strict';
import type { OneClickKind } from '../../src/domain/response-action.ts';
import {
  DefenderClientFactory,
  type DefenderClientFactoryOptions,
  type TenantDefenderClients,
} from '../../src/defender/defender-client-factory.ts';
import {
  ActionAlreadyPendingError,
  DefenderAuthError,
  DefenderNotFoundError,
  DefenderTimeoutError,
} from '../../src/defender/errors.ts';
import type { DeviceActionState } from '../../src/defender/machine-action-mapper.ts';
import { sleep as realSleep } from '../../src/platform/sleep.ts';
import { parseTenantsConfig } from '../../src/defender/tenant-config.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DEVICE_IDS,
  DEMO_FILE_SHA1,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';

const SERVER = DEMO_DEVICE_IDS.prodServer01;

function tenantsFile(secretEnv = 'CONTOSO_SECRET') {
  return parseTenantsConfig(
    [
      {
        tenantId: DEMO_TENANT_ID,
        name: 'Contoso',
        defender: { credential: { kind: 'clientSecret', clientId: DEMO_CLIENT_ID, secretEnv } },
      },
      {
        tenantId: FABRIKAM_TENANT_ID,
        name: 'Fabrikam',
        defender: {
          credential: {
            kind: 'clientSecret',
            clientId: FABRIKAM_CLIENT_ID,
            secretEnv: 'FABRIKAM_SECRET',
          },
        },
      },
    ],
    { source: 'tenants.json' },
  );
}

describe('Defender clients against the emulator (HTTPS)', function () {
  this.timeout(20_000);
  let emulator: RunningEmulator;
  const waits: number[] = [];
  /** While set, the emulator's clock stands still there (its machine actions do not advance). */
  let clockHeldAt: number | undefined;

  function factory(overrides: Partial<DefenderClientFactoryOptions> = {}, secretEnv?: string) {
    return new DefenderClientFactory(tenantsFile(secretEnv), {
      graphBaseUrl: emulator.graphBaseUrl,
      mdeBaseUrl: emulator.mdeBaseUrl,
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
      env: {
        CONTOSO_SECRET: DEMO_CLIENT_SECRET,
        FABRIKAM_SECRET: FABRIKAM_CLIENT_SECRET,
        WRONG_SECRET: 'not-the-secret',
      },
      retry: { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 20, requestTimeoutMs: 3_000 },
      // Records the wanted wait (Retry-After) but keeps the test fast.
      sleep: (ms) => {
        waits.push(ms);
        return realSleep(Math.min(ms, 20));
      },
      ...overrides,
    });
  }

  let contoso: TenantDefenderClients;

  before(async () => {
    const tls = await ensureDevCertificate('artifacts/tls');
    emulator = await startEmulator({
      tls,
      port: 0,
      actionTimings: { toInProgressMs: 30, toFinalMs: 120 },
      demoAwaitingAfterMs: null,
      now: () => new Date(clockHeldAt ?? Date.now()),
    });
    contoso = factory().forTenant(DEMO_TENANT_ID);
  });
  beforeEach(() => {
    emulator.control.clearFaults();
    emulator.control.resetStats();
    waits.length = 0;
  });
  after(async () => {
    await emulator?.close();
  });

  function routeCount(route: string, status: number): number {
    return emulator.control.stats().routes[route]?.[String(status)] ?? 0;
  }

  async function settle(action: DeviceActionState): Promise<DeviceActionState> {
    let state = action;
    for (let i = 0; i < 100 && state.status === 'inProgress'; i++) {
      await realSleep(15);
      state = await contoso.machineActions.getAction(action.id);
    }
    return state;
  }

  describe('Graph security incidents', () => {
    it('gets a token with the client secret and lists every page', async () => {
      const base = Date.parse('2030-01-01T00:00:00Z');
      for (let i = 0; i < 7; i++) {
        emulator.control.upsertIncident(DEMO_TENANT_ID, {
          id: String(4_000_000 + i),
          displayName: `Paging incident ${i}`,
          createdDateTime: new Date(base + i * 60_000).toISOString(),
          lastUpdateDateTime: new Date(base + i * 60_000).toISOString(),
        });
      }
      const fresh = factory().forTenant(DEMO_TENANT_ID);
      const all = await fresh.incidents.listIncidents({ pageSize: 3 });
      const expected = emulator.control.listIncidents(DEMO_TENANT_ID).map((i) => i.id);
      assert.deepEqual([...all.map((i) => i.id)].sort(), [...expected].sort());
      assert.equal(
        routeCount('GET /graph/v1.0/security/incidents', 200),
        Math.ceil(expected.length / 3),
      );
      assert.equal(routeCount('POST /login/{tenant}/oauth2/v2.0/token', 200), 1);

      const since = await fresh.incidents.listIncidents({
        updatedSince: new Date(base + 3 * 60_000),
        pageSize: 2,
      });
      assert.deepEqual(
        since.map((i) => i.id),
        ['4000003', '4000004', '4000005', '4000006'],
      );
    });

    it('gets an incident with its alerts, awaitingAction visible', async () => {
      const { incident, alerts } = await contoso.incidents.getIncident(
        DEMO_INCIDENT_IDS.awaitingCustomer,
      );
      assert.equal(incident.status, 'awaitingAction');
      assert.equal(incident.tenantId, DEMO_TENANT_ID);
      assert.ok(alerts.length > 0);
      const devices = alerts.flatMap((a) => a.devices.map((d) => d.deviceId));
      const files = alerts.flatMap((a) => a.files.map((f) => f.sha1.toLowerCase()));
      assert.ok(devices.includes(SERVER), `devices: ${devices.join(', ')}`);
      assert.ok(files.includes(DEMO_FILE_SHA1), `files: ${files.join(', ')}`);
    });

    it('updates an incident and adds a comment', async () => {
      const id = DEMO_INCIDENT_IDS.active;
      const updated = await contoso.incidents.updateIncident(id, {
        status: 'resolved',
        assignedTo: null,
        classification: 'falsePositive',
        determination: 'notMalicious',
        customTags: ['Reviewed in Teams'],
      });
      assert.equal(updated.status, 'resolved');
      assert.equal(updated.classification, 'falsePositive');
      const stored = emulator.control.getIncident(DEMO_TENANT_ID, id)!;
      assert.equal(stored.status, 'resolved');
      assert.equal(stored.assignedTo, null);
      assert.deepEqual(stored.customTags, ['Reviewed in Teams']);

      const comments = await contoso.incidents.addComment(id, 'Closed from Teams by Ann');
      assert.equal(comments.at(-1)?.comment, 'Closed from Teams by Ann');
      assert.equal(
        emulator.control.getIncident(DEMO_TENANT_ID, id)!.comments.at(-1)?.comment,
        'Closed from Teams by Ann',
      );
    });

    it("keeps tenants apart: Fabrikam's app cannot read Contoso's incident", async () => {
      const fabrikam = factory().forTenant(FABRIKAM_TENANT_ID);
      const error = await fabrikam.incidents
        .getIncident(DEMO_INCIDENT_IDS.awaitingCustomer)
        .catch((e: unknown) => e);
      assert.ok(error instanceof DefenderNotFoundError);
    });
  });

  describe('Defender for Endpoint machine actions', () => {
    const runs: { kind: OneClickKind; extra: { isolationType?: 'selective'; sha1?: string } }[] = [
      { kind: 'isolateDevice', extra: { isolationType: 'selective' } },
      { kind: 'releaseFromIsolation', extra: {} },
      { kind: 'restrictAppExecution', extra: {} },
      { kind: 'removeAppRestriction', extra: {} },
      { kind: 'quarantineFile', extra: { sha1: DEMO_FILE_SHA1 } },
    ];
    for (const { kind, extra } of runs) {
      it(`runs ${kind} end to end: 201, then polled until completed`, async () => {
        const started = await contoso.machineActions.runAction({
          kind,
          deviceId: SERVER,
          comment: `integration ${kind}`,
          ...extra,
        });
        assert.equal(started.kind, kind);
        assert.equal(started.status, 'inProgress');
        assert.equal(started.deviceName, 'prod-server-01');
        const done = await settle(started);
        assert.equal(done.status, 'completed');
        assert.equal(done.failureReason, undefined);
        if (extra.isolationType) assert.equal(done.isolationType, 'selective');
        if (extra.sha1) assert.equal(done.sha1, DEMO_FILE_SHA1);
      });
    }

    it('reports a second action of the same kind as ActionAlreadyPendingError', async () => {
      // The first action must still be pending when the second request arrives: on a loaded
      // machine its 120 ms could pass in between, so the emulator's clock waits meanwhile.
      clockHeldAt = Date.now();
      let first: DeviceActionState;
      try {
        first = await contoso.machineActions.runAction({
          kind: 'restrictAppExecution',
          deviceId: SERVER,
          comment: 'first request',
        });
        const error = await contoso.machineActions
          .runAction({ kind: 'restrictAppExecution', deviceId: SERVER, comment: 'second request' })
          .catch((e: unknown) => e);
        assert.ok(error instanceof ActionAlreadyPendingError);
        assert.equal(error.pendingActionId, first.id);
        const pending = await contoso.machineActions.findPendingAction(
          SERVER,
          'restrictAppExecution',
        );
        assert.equal(pending?.id, first.id);
      } finally {
        clockHeldAt = undefined;
      }
      await settle(first);
    });

    it('reports an unknown device as DefenderNotFoundError', async () => {
      const error = await contoso.machineActions
        .runAction({ kind: 'isolateDevice', deviceId: 'no-such-device', comment: 'x' })
        .catch((e: unknown) => e);
      assert.ok(error instanceof DefenderNotFoundError);
      assert.equal(error.entity, 'device');
    });
  });

  describe('faults', () => {
    it('retries a 429, honouring Retry-After, and succeeds', async () => {
      emulator.control.injectFault({
        kind: '429',
        retryAfterSeconds: 2,
        count: 2,
        path: '/security/incidents',
      });
      const { incident } = await contoso.incidents.getIncident(DEMO_INCIDENT_IDS.awaitingCustomer);
      assert.equal(incident.id, DEMO_INCIDENT_IDS.awaitingCustomer);
      assert.deepEqual(waits, [2_000, 2_000]);
      assert.equal(routeCount('GET /graph/v1.0/security/incidents/{id}', 429), 2);
      assert.equal(routeCount('GET /graph/v1.0/security/incidents/{id}', 200), 1);
    });

    it('retries a 503 with backoff and succeeds', async () => {
      emulator.control.injectFault({ kind: '503', count: 2, path: '/mde/api/machineactions' });
      const actions = await contoso.machineActions.listDeviceActions(SERVER);
      assert.ok(actions.length > 0);
      assert.equal(waits.length, 2);
      assert.ok(
        waits.every((w) => w >= 2 && w <= 20),
        `waits ${waits.join(', ')}`,
      );
      assert.equal(routeCount('GET /mde/api/machineactions', 503), 2);
    });

    it('times out slow answers after the bounded attempts, and accepts slow ones within the timeout', async () => {
      const impatient = factory({
        retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 5, requestTimeoutMs: 150 },
      }).forTenant(DEMO_TENANT_ID);
      await impatient.incidents.getIncident(DEMO_INCIDENT_IDS.active); // token first
      emulator.control.injectFault({
        kind: 'slow',
        delayMs: 600,
        count: 2,
        path: '/security/incidents',
      });
      const error = await impatient.incidents
        .getIncident(DEMO_INCIDENT_IDS.active)
        .catch((e: unknown) => e);
      assert.ok(error instanceof DefenderTimeoutError, String(error));

      emulator.control.injectFault({
        kind: 'slow',
        delayMs: 50,
        count: 1,
        path: '/security/incidents',
      });
      const { incident } = await impatient.incidents.getIncident(DEMO_INCIDENT_IDS.active);
      assert.equal(incident.id, DEMO_INCIDENT_IDS.active);
    });

    it('reports an action that Defender failed as failed, with a reason', async () => {
      emulator.control.injectFault({ kind: 'failActions', reason: 'Device offline', count: 1 });
      const started = await contoso.machineActions.runAction({
        kind: 'isolateDevice',
        deviceId: DEMO_DEVICE_IDS.financeLaptop07,
        comment: 'integration failing isolate',
      });
      const done = await settle(started);
      assert.equal(done.status, 'failed');
      assert.match(done.failureReason ?? '', /failed on the device \(error 0x80004005\)/);
      const recorded = emulator.control
        .listMachineActions(DEMO_TENANT_ID)
        .find((a) => a.id === started.id);
      assert.equal(recorded?.failureReason, 'Device offline');
    });

    it('turns a wrong client secret into DefenderAuthError with the fix hint', async () => {
      const wrong = factory({}, 'WRONG_SECRET').forTenant(DEMO_TENANT_ID);
      const graphError = await wrong.incidents.listIncidents().catch((e: unknown) => e);
      assert.ok(graphError instanceof DefenderAuthError, String(graphError));
      assert.equal(graphError.clientId, DEMO_CLIENT_ID);
      assert.match(graphError.hint, new RegExp(DEMO_CLIENT_ID));
      assert.match(graphError.hint, /SecurityIncident\.ReadWrite\.All/);
      assert.match(graphError.message, /AADSTS7000215/);
      assert.doesNotMatch(graphError.message, /not-the-secret/);

      const mdeError = await wrong.machineActions
        .runAction({ kind: 'isolateDevice', deviceId: SERVER, comment: 'x' })
        .catch((e: unknown) => e);
      assert.ok(mdeError instanceof DefenderAuthError);
      assert.match(mdeError.hint, /Machine\.Isolate/);
      assert.equal(routeCount('POST /mde/api/machines/{id}/isolate', 201), 0);
    });
  });
});
