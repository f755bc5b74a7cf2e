// The loops: every tenant on its own jittered schedule, a failing or hanging tenant never delays
// another, backoff and Retry-After, health() for /readyz, and the log lines. Fake timers: no
// test waits for real time.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  DefenderAuthError,
  DefenderBusyError,
  DefenderThrottledError,
} from '../../src/defender/errors.ts';
import type { Incident } from '../../src/domain/incident.ts';
import { IncidentWatcher, type IncidentSource } from '../../src/watcher/incident-watcher.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import {
  at,
  awaiting,
  FakeIncidentSource,
  incident,
  NOW,
  RecordingLogger,
  tenant,
  TENANT_A,
  TENANT_B,
} from './fakes.ts';

const INTERVAL = 1_000;

describe('watcher: loops, backoff and health', () => {
  let clock: sinon.SinonFakeTimers;
  let watcher: IncidentWatcher | undefined;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    clock.restore();
  });

  function start(sources: Record<string, IncidentSource>, logger = new RecordingLogger()) {
    watcher = new IncidentWatcher({
      store: new MemoryStore(),
      tenants: Object.keys(sources).map((id) =>
        tenant(id, id === TENANT_A ? 'Contoso' : 'Fabrikam'),
      ),
      incidentsFor: (id) => {
        const source = sources[id];
        if (!source) throw new Error(`no source for ${id}`);
        return source;
      },
      intervalMs: INTERVAL,
      maxBackoffMs: 8 * INTERVAL,
      // 0.5: every jitter lands on its nominal value, so times are exact.
      random: () => 0.5,
      logger,
    });
    watcher.start();
    return { watcher, logger };
  }

  /** Times (ms since NOW) at which a source was asked for incidents. */
  function recordTimes(source: IncidentSource): number[] {
    const times: number[] = [];
    const list = source.listIncidents.bind(source);
    source.listIncidents = (options) => {
      times.push(Date.now() - NOW);
      return list(options);
    };
    return times;
  }

  it('polls each tenant on its own interval', async () => {
    const a = new FakeIncidentSource();
    const times = recordTimes(a);
    start({ [TENANT_A]: a });
    await clock.tickAsync(3_200);
    // First poll after half the jitter window (0.2 × 1000 × 0.5), then every interval.
    assert.deepEqual(times, [100, 1_100, 2_100, 3_100]);
  });

  it('a hanging tenant does not delay another', async () => {
    const hanging: IncidentSource = { listIncidents: () => new Promise<Incident[]>(() => {}) };
    const b = new FakeIncidentSource();
    const bTimes = recordTimes(b);
    start({ [TENANT_A]: hanging, [TENANT_B]: b });
    await clock.tickAsync(5_200);
    assert.equal(bTimes.length, 6);
  });

  it('a failing tenant backs off exponentially while the other keeps its pace', async () => {
    const failing = new FakeIncidentSource();
    failing.failures.push(...Array.from({ length: 10 }, () => new Error('Graph outage')));
    const failingTimes = recordTimes(failing);
    const healthy = new FakeIncidentSource();
    const healthyTimes = recordTimes(healthy);
    const { logger } = start({ [TENANT_A]: failing, [TENANT_B]: healthy });
    await clock.tickAsync(24_000);

    const gaps = failingTimes.slice(1).map((t, i) => t - (failingTimes[i] ?? 0));
    assert.deepEqual(gaps, [1_000, 2_000, 4_000, 8_000, 8_000]);
    assert.equal(healthyTimes.length, 24);

    const [a, b] = watcher!.health();
    assert.equal(a?.ok, false);
    assert.equal(a?.consecutiveFailures, 6);
    assert.equal(a?.lastError, 'Graph outage');
    assert.equal(a?.name, 'Contoso');
    assert.equal(a?.lastSuccessAt, undefined);
    assert.equal(b?.ok, true);
    assert.ok(b?.lastSuccessAt);
    const warn = logger.lines.find((l) => l.level === 'warn');
    assert.equal(warn?.details.tenantId, TENANT_A);
    assert.equal(warn?.details.consecutiveFailures, 1);
    assert.match(warn?.message ?? '', /Contoso failed: Graph outage/);
  });

  it('waits as long as Graph’s Retry-After asks, then returns to the interval', async () => {
    const throttled = new FakeIncidentSource();
    throttled.failures.push(new DefenderThrottledError('graph', 30));
    const times = recordTimes(throttled);
    const { logger } = start({ [TENANT_A]: throttled });
    await clock.tickAsync(32_500);
    assert.deepEqual(times, [100, 30_100, 31_100, 32_100]);
    const warn = logger.lines.find((l) => l.level === 'warn');
    assert.equal(warn?.details.retryAfterSeconds, 30);
    assert.equal(warn?.details.retryInMs, 30_000);
    assert.equal(watcher!.health()[0]?.ok, true, 'healthy again after a successful poll');
  });

  it("backs off the same way when the tenant's quota would hold a poll too long", async () => {
    const busy = new FakeIncidentSource();
    busy.failures.push(new DefenderBusyError('graph', 20));
    const other = new FakeIncidentSource();
    const times = recordTimes(busy);
    const otherTimes = recordTimes(other);
    const { logger } = start({ [TENANT_A]: busy, [TENANT_B]: other });
    await clock.tickAsync(22_500);
    assert.deepEqual(times, [100, 20_100, 21_100, 22_100]);
    assert.equal(otherTimes.length, 23, 'the other tenant kept its pace');
    const warn = logger.lines.find((l) => l.level === 'warn');
    assert.equal(warn?.details.retryAfterSeconds, 20);
    assert.match(warn?.message ?? '', /Contoso not sent: the tenant's Graph quota is in use/);
  });

  it('logs bad credentials at error level with the fix, and shows them in health', async () => {
    const refused = new FakeIncidentSource();
    const error = new DefenderAuthError({
      api: 'graph',
      status: 401,
      tenantId: TENANT_A,
      clientId: 'c0a1b2c3-d4e5-4f60-8a71-9b2c3d4e5f60',
      permission: 'SecurityIncident.ReadWrite.All',
      reason: 'invalid client secret.',
    });
    refused.failures.push(error);
    const { logger } = start({ [TENANT_A]: refused });
    await clock.tickAsync(150);
    const line = logger.lines.find((l) => l.level === 'error');
    assert.equal(line?.details.tenantId, TENANT_A);
    assert.equal(line?.details.hint, error.hint);
    assert.match(line?.message ?? '', /SecurityIncident\.ReadWrite\.All/);
    assert.match(watcher!.health()[0]?.lastError ?? '', /refused access/);
  });

  it('logs info when events were written or on the first poll, debug otherwise', async () => {
    const a = new FakeIncidentSource().set(incident('1', { lastUpdatedAt: at(-30) }));
    const { logger } = start({ [TENANT_A]: a });
    await clock.tickAsync(1_150);
    a.update('1', awaiting, new Date(Date.now()).toISOString());
    await clock.tickAsync(1_000);
    const polls = logger.lines.filter((l) => l.message.startsWith('incident poll of Contoso'));
    assert.deepEqual(
      polls.map((l) => [l.level, l.details.events]),
      [
        ['info', 0],
        ['debug', 0],
        ['info', 1],
      ],
    );
    assert.deepEqual(polls[2]?.details.changes, ['1:awaitingCustomer']);
    for (const key of ['tenantId', 'incidents', 'watermark', 'durationMs']) {
      assert.ok(key in (polls[2]?.details ?? {}), key);
    }
  });

  it('stop() ends every loop at once', async () => {
    const a = new FakeIncidentSource();
    const times = recordTimes(a);
    start({ [TENANT_A]: a });
    await clock.tickAsync(1_500);
    await watcher!.stop();
    await clock.tickAsync(10_000);
    assert.equal(times.length, 2);
  });

  it('picks up a tenant added to the list while running', async () => {
    const a = new FakeIncidentSource();
    const b = new FakeIncidentSource();
    const bTimes = recordTimes(b);
    const tenants = [tenant(TENANT_A)];
    watcher = new IncidentWatcher({
      store: new MemoryStore(),
      tenants: () => tenants,
      incidentsFor: (id) => (id === TENANT_A ? a : b),
      intervalMs: INTERVAL,
      random: () => 0.5,
    });
    watcher.start();
    await clock.tickAsync(500);
    tenants.push(tenant(TENANT_B));
    await clock.tickAsync(2_000);
    assert.ok(bTimes.length >= 1);
    assert.deepEqual(
      watcher.health().map((h) => h.tenantId),
      [TENANT_A, TENANT_B],
    );
  });
});
