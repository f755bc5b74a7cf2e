// An attempt Defender took is recognised whatever became of it: the real MachineActionsClient and
// startMachineAction against the emulator (HTTPS, real token flow, injected clock), with the
// attempt already in Defender and finished (Succeeded, Failed, Cancelled) before the bot looks.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DEMO_TENANTS_FILE } from '../../src/defender-setup.ts';
import { DefenderClientFactory } from '../../src/defender/defender-client-factory.ts';
import { MachineActionsClient } from '../../src/defender/machine-actions-client.ts';
import { parseTenantsConfig } from '../../src/defender/tenant-config.ts';
import type { OneClickAction } from '../../src/domain/response-action.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_DEVICE_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';
import {
  attemptMarker,
  machineActionComment,
  startMachineAction,
} from '../../src/features/managed-response/start-machine-action.ts';
import { FakeFetch, jsonResponse, TENANT_ID, testHttpClient } from './fakes.ts';

const DEVICE = DEMO_DEVICE_IDS.prodServer01;
const ACTION_MS = 60_000;

function oneClick(overrides: Partial<OneClickAction> = {}): OneClickAction {
  return {
    id: 'act-isolate',
    kind: 'isolateDevice',
    title: 'Isolate prod-server-01',
    description: 'Cut it off.',
    createdAt: '2026-03-02T09:00:00Z',
    history: [],
    status: 'inProgress',
    target: { kind: 'device', deviceId: DEVICE, deviceName: 'prod-server-01' },
    attempts: 1,
    requestedBy: { userId: 'u-alex', name: 'Alex Wilber' },
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('recognising an attempt Defender already took, whatever its status', function () {
  this.timeout(20_000);
  let emulator: RunningEmulator;
  let client: MachineActionsClient;
  let offsetMs: number;

  beforeEach(async () => {
    offsetMs = 0;
    emulator = await startEmulator({
      tls: await ensureDevCertificate('artifacts/tls'),
      actionTimings: { toInProgressMs: ACTION_MS / 2, toFinalMs: ACTION_MS },
      demoAwaitingAfterMs: null,
      now: () => new Date(Date.now() + offsetMs),
    });
    const tenants = parseTenantsConfig(JSON.parse(await readFile(DEMO_TENANTS_FILE, 'utf8')), {
      source: 'demo-tenants.json',
    });
    client = new DefenderClientFactory(tenants, {
      graphBaseUrl: emulator.graphBaseUrl,
      mdeBaseUrl: emulator.mdeBaseUrl,
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
      env: {
        DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
        DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
      },
    }).forTenant(DEMO_TENANT_ID).machineActions;
  });
  afterEach(() => emulator.close());

  const isolations = () =>
    emulator.control.listMachineActions(DEMO_TENANT_ID).filter((a) => a.type === 'Isolate');
  const posts = () =>
    Object.entries(emulator.control.stats().routes)
      .filter(([route]) => route.startsWith('POST /mde/api/machines/'))
      .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);

  /** Defender takes the attempt (the bot then dies before storing the id), and it ends. */
  async function takenAndFinished(
    action: OneClickAction,
    end: 'succeeded' | 'failed' | 'cancelled',
  ) {
    if (end === 'failed')
      emulator.control.injectFault({ kind: 'failActions', reason: 'offline', count: 1 });
    const state = await client.runAction({
      kind: 'isolateDevice',
      deviceId: DEVICE,
      comment: machineActionComment(action, '2972403'),
    });
    if (end === 'cancelled') await client.cancelAction(state.id, 'Analyst cancelled it');
    offsetMs += ACTION_MS * 2;
    return state;
  }

  for (const [end, expected] of [
    ['succeeded', 'completed'],
    ['failed', 'failed'],
    ['cancelled', 'failed'],
  ] as const) {
    it(`adopts an attempt that ${end} while the bot was down instead of starting another`, async () => {
      const action = oneClick();
      const taken = await takenAndFinished(action, end);
      const before = posts();
      const result = await startMachineAction(client, action, '2972403');
      assert.equal(result.kind, 'started');
      assert.equal(result.kind === 'started' ? result.state.id : '', taken.id);
      assert.equal(result.kind === 'started' ? result.state.status : '', expected);
      assert.equal(result.kind === 'started' ? result.alreadyRunning : 'x', undefined, 'ours');
      assert.equal(posts(), before, 'no second machine action requested');
      assert.equal(isolations().length, 1);
    });
  }

  it('tells attempts, windows and kinds apart', async () => {
    const first = oneClick();
    const taken = await takenAndFinished(first, 'succeeded');
    const marker = { marker: attemptMarker(first, '2972403') };
    assert.equal((await client.findPendingAction(DEVICE, 'isolateDevice', marker))?.id, taken.id);
    // Without the marker only running actions count; the finished one is not "pending".
    assert.equal(await client.findPendingAction(DEVICE, 'isolateDevice'), undefined);
    // Attempt 2 (a retry) and attempt 12 are other attempts.
    for (const attempts of [2, 12]) {
      const other = { marker: attemptMarker(oneClick({ attempts }), '2972403') };
      assert.equal(await client.findPendingAction(DEVICE, 'isolateDevice', other), undefined);
    }
    // An action created before the attempt's window is not this attempt (e.g. a restored store).
    const later = { ...marker, since: new Date(Date.now() + offsetMs + 60_000) };
    assert.equal(await client.findPendingAction(DEVICE, 'isolateDevice', later), undefined);
    // Another kind on the same device is not it either.
    assert.equal(await client.findPendingAction(DEVICE, 'releaseFromIsolation', marker), undefined);
  });

  it('still starts a new machine action when Defender has no record of the attempt', async () => {
    const result = await startMachineAction(client, oneClick(), '2972403');
    assert.equal(result.kind, 'started');
    assert.equal(isolations().length, 1);
    assert.match(
      isolations()[0]?.requestorComment ?? '',
      /^Managed response 2972403\/act-isolate attempt 1: /,
    );
  });
});

describe('MachineActionsClient.findPendingAction query', () => {
  it("filters Defender's list by device and action type (both documented $filter fields)", async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { value: [] }));
    const http = testHttpClient(fake, {
      api: 'mde',
      baseUrl: 'https://api.securitycenter.microsoft.com',
      scope: 'https://api.securitycenter.microsoft.com/.default',
    });
    const marker = { marker: 'Managed response 1/a attempt 1:', since: new Date() };
    await new MachineActionsClient(http, TENANT_ID).findPendingAction(
      "d'1",
      'quarantineFile',
      marker,
    );
    assert.equal(
      decodeURIComponent(new URL(fake.calls[0]!.url).search),
      "?$filter=machineId eq 'd''1' and type eq 'StopAndQuarantineFile'",
    );
  });
});
