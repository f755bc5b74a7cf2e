// The whole managed-response path on one machine: the Defender XDR emulator (HTTPS, real token
// flow) and the app as buildApp assembles it: the bot behind restify + CloudAdapter (local mode), the
// Experts API on the same server, the delivery engine with a recording messenger. Tests and the
// invoke-latency bench drive it over HTTP exactly as the experts' tooling and Teams would.
import assert from 'node:assert/strict';
import { buildApp, type App } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_TENANTS_FILE } from '../../src/defender-setup.ts';
import type { DeliveryEngine } from '../../src/delivery/delivery-engine.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';
import type { ManagedResponseFeature } from '../../src/features/managed-response/index.ts';
import type { ContainmentFeature } from '../../src/features/containment/index.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { sleep as realSleep } from '../../src/platform/sleep.ts';
import { closeServer, listen } from '../../src/server.ts';
import type { Store } from '../../src/store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../src/watcher/incident-snapshots.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { RecordingMessenger } from '../features/managed-response/harness.ts';

export const API_KEY = 'local-experts-key';
export const OPERATOR = {
  id: '29:alex',
  aadObjectId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c',
  name: 'Alex Wilber',
};
export const READER = {
  id: '29:megan',
  aadObjectId: '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d',
  name: 'Megan Bowen',
};

export interface Stack {
  base: string;
  /** The whole app (the watcher and notifications are built but not started). */
  app: App;
  emulator: RunningEmulator;
  feature: ManagedResponseFeature;
  containment: ContainmentFeature;
  messenger: RecordingMessenger;
  delivery: DeliveryEngine;
  store: Store;
  /** The tenants as the app runs them (admins' changes from Teams). */
  directory: App['directory'];
  publish(incidentId: string, body: unknown): Promise<Response>;
  invoke(
    verb: string,
    data: Record<string, string>,
    user?: typeof OPERATOR,
  ): Promise<{ status: number; body: InvokeBody }>;
  close(): Promise<void>;
}

export interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

export interface StackOptions {
  store?: Store;
  actionTimings?: { toInProgressMs: number; toFinalMs: number };
  /** How long a device stays contained before the still-contained card (default 24 h). */
  containmentPeriodMs?: number;
  /** The app's clock (default the system clock; the emulator keeps the system clock). */
  clock?: Clock;
  /**
   * An emulator already running elsewhere (bench/emulator-process.ts: its own process, as
   * Defender is in production). The stack's `emulator.control` is then unavailable (its control
   * API is HTTP), and closing the stack leaves the emulator running.
   */
  externalEmulator?: Pick<RunningEmulator, 'url' | 'authorityHost' | 'graphBaseUrl' | 'mdeBaseUrl'>;
  /**
   * How often a started machine action is polled (default 20 ms, then up to 100 ms, so tests
   * see an outcome at once; the benchmarks pass `'production'`: the app's own schedule).
   */
  poll?: { initialMs: number; maxMs: number } | 'production';
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tls = await ensureDevCertificate('artifacts/tls');
  const emulator = options.externalEmulator
    ? external(options.externalEmulator)
    : await startEmulator({
        tls,
        port: 0,
        actionTimings: options.actionTimings ?? { toInProgressMs: 20, toFinalMs: 80 },
        demoAwaitingAfterMs: null,
      });
  const store = options.store ?? new MemoryStore();
  const messenger = new RecordingMessenger();
  const config = loadConfig({
    EMULATOR: 'off',
    TENANTS_FILE: DEMO_TENANTS_FILE,
    GRAPH_BASE_URL: emulator.graphBaseUrl,
    MDE_BASE_URL: emulator.mdeBaseUrl,
    AZURE_AUTHORITY_HOST: emulator.authorityHost,
    AZURE_DISABLE_INSTANCE_DISCOVERY: 'true',
    EXPERTS_API_KEY: API_KEY,
    // These tests and the invoke bench click far more than a person would (100 concurrent
    // clicks, 1,000 in a bench): what they measure is the handlers, not the click budget.
    BUDGET_CARD_ACTIONS_PER_USER: '1000000',
    BUDGET_CARD_ACTIONS_PER_TENANT: '1000000',
  });
  const app = await buildApp(config, store, {
    logger: createLogger({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    env: {
      DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
    },
    retries: {
      defender: { retries: 4, minTimeoutMs: 5, maxTimeoutMs: 20, requestTimeoutMs: 5_000 },
    },
    // Honours Retry-After in spirit (it waits) while keeping tests fast.
    sleep: (ms: number, signal?: AbortSignal) => realSleep(Math.min(ms, 50), signal),
    messenger,
    tuning: {
      ...(options.poll === 'production'
        ? {}
        : { managedResponse: { poll: options.poll ?? { initialMs: 20, maxMs: 100 } } }),
      ...(options.containmentPeriodMs
        ? { containment: { periodMs: options.containmentPeriodMs } }
        : {}),
    },
  });
  const { delivery, server } = app;
  const feature = app.features.managedResponse;
  // What the watcher would have stored: the incidents as Graph shows them (the watcher is not
  // started: these tests drive the managed response only).
  for (const incident of await app.defender.forTenant(DEMO_TENANT_ID).incidents.listIncidents({})) {
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(DEMO_TENANT_ID, incident.id), incident);
  }
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  delivery.start();
  feature.start();
  let sequence = 0;

  return {
    base,
    app,
    emulator,
    feature,
    containment: app.features.containment,
    messenger,
    delivery,
    store,
    directory: app.directory,
    publish: (incidentId, body) =>
      fetch(`${base}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${incidentId}/managed-response`, {
        method: 'PUT',
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async invoke(verb, data, user = OPERATOR) {
      sequence += 1;
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(invokeActivity(`invoke-${sequence}`, verb, data, user)),
      });
      return { status: res.status, body: (await res.json()) as InvokeBody };
    },
    async close() {
      await feature.stop();
      await delivery.stop();
      await closeServer(server);
      await emulator.close();
    },
  };
}

function external(addresses: StackOptions['externalEmulator'] & object): RunningEmulator {
  const control = new Proxy({} as RunningEmulator['control'], {
    get(_target, name) {
      throw new Error(
        `emulator.control.${String(name)}: the emulator runs in another process; use its control API`,
      );
    },
  });
  return { ...addresses, control, close: () => Promise.resolve() };
}

/** What the experts publish on an incident: a high-severity summary and the actions. */
export interface Publication {
  headline: string;
  narrative: string;
  potentialImpact: string;
  actions: unknown[];
}

/**
 * A fresh stack for each test of the enclosing describe, with `publication` published on
 * `incidentId` through the Experts API (201) before the test, closed after it; the getter gives
 * the current test's stack.
 */
export function usePublishedStack(
  incidentId: string,
  publication: Publication,
  options: StackOptions = {},
): () => Stack {
  let stack: Stack | undefined;
  beforeEach(async () => {
    stack = await startStack(options);
    const { actions, ...summary } = publication;
    const res = await stack.publish(incidentId, {
      summary: { ...summary, severity: 'high' },
      actions,
    });
    assert.equal(res.status, 201, await res.clone().text());
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });
  return () => {
    if (!stack) throw new Error('No stack: call usePublishedStack() inside a describe.');
    return stack;
  };
}

/** A card click as Teams posts it: an adaptiveCard/action invoke from `user` in Contoso. */
export function invokeActivity(
  id: string,
  verb: string,
  data: Record<string, string>,
  user: typeof OPERATOR = OPERATOR,
): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id,
    channelId: 'msteams',
    // Never called for invokes: the answer is the HTTP response itself.
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id: `a:${user.id}`, conversationType: 'personal' },
    from: user,
    recipient: { id: '28:bot', name: 'Managed Response' },
    channelData: { tenant: { id: DEMO_TENANT_ID } },
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
