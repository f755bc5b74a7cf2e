// The watcher end to end: real HTTPS to the Defender XDR emulator with the real
// DefenderClientFactory (ClientSecretCredential), a lowdb store file, incidents moved through
// the experts' life cycle while Graph answers 429 storms, and two restarts (one a crash between
// reading Graph and committing). Every transition must be in the outbox exactly once, in order.
// Run with `node --import tsx scripts/run-mocha.ts test/watcher` (trusts the dev certificate).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefenderClientFactory } from '../../src/defender/defender-client-factory.ts';
import { sleep as realSleep } from '../../src/platform/sleep.ts';
import { parseTenantsConfig } from '../../src/defender/tenant-config.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_INCIDENT_IDS as IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_INCIDENT_IDS,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import {
  startEmulator,
  type EmulatorIncidentSeed,
  type RunningEmulator,
} from '../../src/emulator/emulator.ts';
import { openEmbeddedStore } from '../../src/app/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { IncidentWatcher } from '../../src/watcher/incident-watcher.ts';
import { Outbox, type OutboxEvent } from '../../src/watcher/outbox.ts';
import { DelegatingStore, RecordingLogger } from './fakes.ts';

const LIST_ROUTE = 'GET /graph/v1.0/security/incidents';

describe('watcher against the emulator (HTTPS, lowdb, 429 storms, restarts)', function () {
  this.timeout(15_000);
  let emulator: RunningEmulator;
  let dataDir: string;
  let factory: DefenderClientFactory;
  const logger = new RecordingLogger();
  const stores: Store[] = [];
  const watchers: IncidentWatcher[] = [];

  before(async () => {
    const tls = await ensureDevCertificate('artifacts/tls');
    emulator = await startEmulator({ tls, port: 0, demoAwaitingAfterMs: null });
    dataDir = await mkdtemp(path.join(tmpdir(), 'watcher-it-'));
    const tenants = parseTenantsConfig(
      [
        {
          tenantId: DEMO_TENANT_ID,
          name: 'Contoso',
          defender: {
            credential: { kind: 'clientSecret', clientId: DEMO_CLIENT_ID, secretEnv: 'CONTOSO' },
          },
        },
        {
          tenantId: FABRIKAM_TENANT_ID,
          name: 'Fabrikam',
          defender: {
            credential: { kind: 'clientSecret', clientId: FABRIKAM_CLIENT_ID, secretEnv: 'FAB' },
          },
        },
      ],
      { source: 'tenants.json' },
    );
    factory = new DefenderClientFactory(tenants, {
      graphBaseUrl: emulator.graphBaseUrl,
      mdeBaseUrl: emulator.mdeBaseUrl,
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
      env: { CONTOSO: DEMO_CLIENT_SECRET, FAB: FABRIKAM_CLIENT_SECRET },
      retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 20, requestTimeoutMs: 3_000 },
      // The client's own retries stay short; the watcher's waits (Retry-After) are real.
      sleep: (ms) => realSleep(Math.min(ms, 20)),
    });
  });

  after(async () => {
    await Promise.all(watchers.map((w) => w.stop()));
    for (const store of stores) await store.close().catch(() => undefined);
    await emulator?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function openStore(): Promise<Store> {
    const store = await openEmbeddedStore(dataDir);
    stores.push(store);
    return store;
  }

  function startWatcher(store: Store): IncidentWatcher {
    const watcher = new IncidentWatcher({
      store,
      tenants: () => factory.tenants(),
      incidentsFor: (tenantId) => factory.forTenant(tenantId).incidents,
      intervalMs: 40,
      jitterRatio: 0.2,
      maxBackoffMs: 200,
      logger,
    });
    watchers.push(watcher);
    watcher.start();
    return watcher;
  }

  async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await realSleep(10);
    }
  }

  const allEvents = async (store: Store) => (await new Outbox(store).pending()).map((p) => p.event);

  function waitForEvent(store: Store, incidentId: string, type: string): Promise<OutboxEvent> {
    return eventually(`${incidentId}:${type}`, async () =>
      (await allEvents(store)).find((e) => e.incidentId === incidentId && e.change.type === type),
    );
  }

  const storm = (count: number, retryAfterSeconds = 0) =>
    emulator.control.injectFault({ kind: '429', retryAfterSeconds, count });
  const patch = (id: string, body: Parameters<RunningEmulator['control']['patchIncident']>[2]) =>
    emulator.control.patchIncident(DEMO_TENANT_ID, id, body);

  it('finds each life-cycle transition exactly once, in order per incident', async () => {
    const started = Date.now();
    let crashArmed = false;
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    const store1 = await openStore();
    const first = startWatcher(
      new DelegatingStore(store1, async (ops, inner) => {
        if (crashArmed) {
          crashed();
          throw new Error('process died before its commit');
        }
        return inner.batch(ops);
      }),
    );

    // Cold start: only open incidents the experts hold are announced.
    await eventually('first polls', async () =>
      first.health().every((h) => h.lastSuccessAt) ? true : undefined,
    );
    await waitForEvent(store1, FABRIKAM_INCIDENT_IDS.expertsInvestigating, 'expertsStarted');

    // Active → In progress / Defender Experts.
    storm(8);
    patch(IDS.active, { status: 'inProgress', assignedTo: 'Defender Experts' });
    await waitForEvent(store1, IDS.active, 'expertsStarted');

    // → Awaiting Customer Action / Customer, true positive.
    storm(8);
    patch(IDS.active, {
      status: 'awaitingAction',
      assignedTo: 'Customer',
      classification: 'truePositive',
      determination: 'malware',
    });
    await waitForEvent(store1, IDS.active, 'awaitingCustomer');

    // → back to the experts, seen by a process that dies before committing it.
    crashArmed = true;
    storm(8);
    patch(IDS.active, { status: 'inProgress', assignedTo: 'Defender Experts' });
    await crash;
    await first.stop();
    await store1.close();
    const store2 = await openStore();
    const second = startWatcher(store2);
    await waitForEvent(store2, IDS.active, 'handedBackToExperts');

    // → Resolved / Unassigned through Graph's own PATCH, then a storm with Retry-After 1 s.
    await factory
      .forTenant(DEMO_TENANT_ID)
      .incidents.updateIncident(IDS.active, { status: 'resolved', assignedTo: null });
    storm(6, 1);
    await waitForEvent(store2, IDS.active, 'resolved');

    // Clean restart.
    await second.stop();
    await store2.close();
    const store3 = await openStore();
    const third = startWatcher(store3);

    // False positive: closing comment and classification in one update.
    storm(8);
    emulator.control.addComment(
      DEMO_TENANT_ID,
      IDS.expertsInvestigating,
      'Defender Experts: the LSASS access was the backup agent. Closing as false positive.',
    );
    patch(IDS.expertsInvestigating, {
      status: 'resolved',
      assignedTo: null,
      classification: 'falsePositive',
      determination: 'notMalicious',
    });
    await waitForEvent(store3, IDS.expertsInvestigating, 'resolved');

    // Merged into the ransomware incident.
    storm(8);
    const handover = emulator.control.getIncident(DEMO_TENANT_ID, IDS.handover);
    assert.ok(handover);
    // The control API's seed replaces the incident: keep every field, let it stamp the update.
    const seed: Record<string, unknown> = {
      ...handover,
      status: 'redirected',
      redirectIncidentId: IDS.awaitingCustomer,
    };
    delete seed.lastUpdateDateTime;
    emulator.control.upsertIncident(DEMO_TENANT_ID, seed as EmulatorIncidentSeed);
    await waitForEvent(store3, IDS.handover, 'redirected');

    // Give duplicates a chance to appear: several more polls of every tenant.
    const polls = emulator.control.stats().routes[LIST_ROUTE]?.['200'] ?? 0;
    await eventually('more polls', async () =>
      (emulator.control.stats().routes[LIST_ROUTE]?.['200'] ?? 0) >= polls + 6 ? true : undefined,
    );
    await third.stop();

    const events = await allEvents(store3);
    const byIncident = (tenantId: string, incidentId: string) =>
      events
        .filter((e) => e.tenantId === tenantId && e.incidentId === incidentId)
        .map((e) => e.change.type);
    assert.deepEqual(byIncident(DEMO_TENANT_ID, IDS.active), [
      'expertsStarted',
      'classificationChanged',
      'awaitingCustomer',
      'handedBackToExperts',
      'resolved',
    ]);
    assert.deepEqual(byIncident(DEMO_TENANT_ID, IDS.expertsInvestigating), [
      'expertsStarted',
      'classificationChanged',
      'resolved',
    ]);
    assert.deepEqual(byIncident(DEMO_TENANT_ID, IDS.awaitingCustomer), ['awaitingCustomer']);
    assert.deepEqual(byIncident(DEMO_TENANT_ID, IDS.handover), ['expertsStarted', 'redirected']);
    assert.deepEqual(byIncident(FABRIKAM_TENANT_ID, FABRIKAM_INCIDENT_IDS.expertsInvestigating), [
      'expertsStarted',
    ]);
    assert.equal(events.length, 12, 'nothing else: resolved and merged history stays quiet');

    const fp = events.find(
      (e) => e.incidentId === IDS.expertsInvestigating && e.change.type === 'resolved',
    );
    assert.deepEqual(fp?.change, {
      type: 'resolved',
      classification: 'falsePositive',
      determination: 'notMalicious',
      closingComment:
        'Defender Experts: the LSASS access was the backup agent. Closing as false positive.',
    });
    const merged = events.find((e) => e.change.type === 'redirected');
    assert.deepEqual(merged?.change, {
      type: 'redirected',
      redirectIncidentId: IDS.awaitingCustomer,
    });

    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'ids are unique');
    for (const tenantId of new Set(events.map((e) => e.tenantId))) {
      const seqs = events.filter((e) => e.tenantId === tenantId).map((e) => e.seq);
      assert.ok(
        seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0)),
        `${tenantId}'s seqs increase`,
      );
    }

    // The storms really happened and the watcher saw them as throttling.
    assert.ok((emulator.control.stats().routes[LIST_ROUTE]?.['429'] ?? 0) >= 46);
    const throttled = logger.lines.filter((l) => l.details.failure === 'throttled');
    assert.ok(throttled.length > 0, 'some polls gave up on 429 and backed off');
    assert.ok(
      throttled.some(
        (l) => l.details.retryAfterSeconds === 1 && Number(l.details.retryInMs) >= 1_000,
      ),
      'Retry-After: 1 made the tenant wait a second',
    );
    assert.ok(third.health().every((h) => h.ok));
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });
});
