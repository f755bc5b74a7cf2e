// Measures how long an incident update takes to become an outbox event: the emulator, the real
// Defender clients over HTTPS, a lowdb store in a temporary folder and the watcher polling at a
// given interval. Each sample moves one incident at a random moment of the poll cycle and times
// until the event can be read from the outbox (what delivery sees).
//
//   node --import tsx bench/poll-delay.ts [--interval-ms 1000] [--samples 10]
//
// Expect about interval/2 on average plus one Graph round trip, and at most interval × 1.2.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DefenderClientFactory } from '../src/defender/defender-client-factory.ts';
import { parseTenantsConfig } from '../src/defender/tenant-config.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
} from '../src/emulator/demo-data.ts';
import { ensureDevCertificate, writeTrustBundle } from '../src/emulator/dev-certificate.ts';
import { startEmulator } from '../src/emulator/emulator.ts';
import { openEmbeddedStore } from '../src/app/open-store.ts';
import { IncidentWatcher } from '../src/watcher/incident-watcher.ts';
import { Outbox } from '../src/watcher/outbox.ts';

const TRUSTED_MARK = 'MRB_EMULATOR_CA_TRUSTED';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(intervalMs: number, samples: number): Promise<void> {
  const tls = await ensureDevCertificate('artifacts/tls');
  const emulator = await startEmulator({ tls, port: 0, demoAwaitingAfterMs: null });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'poll-delay-'));
  const store = await openEmbeddedStore(dataDir);
  const tenants = parseTenantsConfig(
    [
      {
        tenantId: DEMO_TENANT_ID,
        name: 'Contoso',
        defender: {
          credential: { kind: 'clientSecret', clientId: DEMO_CLIENT_ID, secretEnv: 'SECRET' },
        },
      },
    ],
    { source: 'poll-delay bench' },
  );
  const clients = new DefenderClientFactory(tenants, {
    graphBaseUrl: emulator.graphBaseUrl,
    mdeBaseUrl: emulator.mdeBaseUrl,
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    env: { SECRET: DEMO_CLIENT_SECRET },
  });
  const watcher = new IncidentWatcher({
    store,
    tenants: () => clients.tenants(),
    incidentsFor: (tenantId) => clients.forTenant(tenantId).incidents,
    intervalMs,
  });
  const outbox = new Outbox(store);
  const incidentId = DEMO_INCIDENT_IDS.expertsInvestigating;
  const delays: number[] = [];
  try {
    watcher.start();
    while (!watcher.health()[0]?.lastSuccessAt) await sleep(5);
    for (let i = 0; i < samples; i += 1) {
      await sleep(Math.random() * intervalMs);
      const toCustomer = i % 2 === 0;
      const before = (await outbox.pending()).length;
      emulator.control.patchIncident(
        DEMO_TENANT_ID,
        incidentId,
        toCustomer
          ? { status: 'awaitingAction', assignedTo: 'Customer' }
          : { status: 'inProgress', assignedTo: 'Defender Experts' },
      );
      const patchedAt = performance.now();
      while ((await outbox.pending()).length === before) await sleep(2);
      delays.push(performance.now() - patchedAt);
    }
  } finally {
    await watcher.stop();
    await store.close();
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  report(intervalMs, delays);
}

function report(intervalMs: number, delays: number[]): void {
  const sorted = [...delays].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const ms = (value: number | undefined) => `${Math.round(value ?? NaN)} ms`;
  const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
  console.log(
    `poll interval ${intervalMs} ms (±20 % jitter), ${delays.length} updates: ` +
      `min ${ms(sorted[0])}, median ${ms(pick(0.5))}, mean ${ms(mean)}, ` +
      `p90 ${ms(pick(0.9))}, max ${ms(sorted.at(-1))}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'interval-ms': { type: 'string', default: '1000' },
      samples: { type: 'string', default: '10' },
    },
  });
  const intervalMs = Number(values['interval-ms']);
  const samples = Number(values.samples);
  if (
    !Number.isFinite(intervalMs) ||
    intervalMs < 10 ||
    !Number.isInteger(samples) ||
    samples < 1
  ) {
    throw new Error('--interval-ms must be a number ≥ 10 and --samples a whole number ≥ 1');
  }
  if (process.env[TRUSTED_MARK] === '1') {
    await measure(intervalMs, samples);
    return;
  }
  // Node reads extra CAs only at start: re-run with the emulator's certificate trusted.
  const cert = await ensureDevCertificate('artifacts/tls');
  const bundle = await writeTrustBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [TRUSTED_MARK]: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
}

await main();
