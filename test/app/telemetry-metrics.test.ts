// The Telemetry counters as GET /metrics shows them, fed by the real delivery engine (Teams'
// 429s, retries, planned→sent latency) and the Defender machine-action mapping (how it ended).
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { TelemetryMetrics } from '../../src/app/telemetry-metrics.ts';
import { toDeviceActionState } from '../../src/defender/machine-action-mapper.ts';
import { DeliveryEngine } from '../../src/delivery/delivery-engine.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { FakeClock } from '../delivery/fake-clock.ts';
import { FakeMessenger } from '../delivery/fake-messenger.ts';
import { RecordingLogger } from '../delivery/recording-logger.ts';

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no series ${series} in:\n${text.slice(0, 3000)}`);
  return Number(line.slice(series.length + 1));
}

describe('telemetry metrics', () => {
  it('exports every upstream and machine-action series at 0 before anything happens', async () => {
    const registry = new Registry();
    new TelemetryMetrics(registry);
    const text = await registry.metrics();
    for (const upstream of ['defender', 'graph', 'botConnector']) {
      assert.equal(value(text, `mrb_upstream_throttled_total{upstream="${upstream}"}`), 0);
      assert.equal(
        value(text, `mrb_upstream_retries_total{upstream="${upstream}",reason="throttled"}`),
        0,
      );
    }
    assert.equal(
      value(text, 'mrb_machine_actions_total{kind="releaseFromIsolation",outcome="cancelled"}'),
      0,
    );
    assert.equal(value(text, 'mrb_delivery_latency_seconds_count'), 0);
  });

  it("counts Teams' 429, the retry and the delivery's latency from planned to sent", async () => {
    const registry = new Registry();
    const telemetry = new TelemetryMetrics(registry);
    const clock = new FakeClock();
    const messenger = new FakeMessenger(clock.nowMs);
    messenger.fail({ status: 429, retryAfterSeconds: 3 });
    const engine = new DeliveryEngine({
      store: new MemoryStore(),
      messenger,
      logger: new RecordingLogger(),
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      telemetry,
    });
    const planned = clock.now().toISOString();
    clock.ms += 2_000; // the job waited two seconds before the engine picked it up
    await engine.enqueue([
      {
        id: 'job-1',
        orderingKey: 'tenant-a:inc-1',
        target: { kind: 'personal', tenantId: 'tenant-a', userId: 'alice' },
        operation: { kind: 'send', activity: { text: 'hello' } },
        createdAt: planned,
      },
    ]);
    await engine.drain();
    const text = await registry.metrics();
    assert.equal(value(text, 'mrb_upstream_throttled_total{upstream="botConnector"}'), 1);
    assert.equal(
      value(text, 'mrb_upstream_retries_total{upstream="botConnector",reason="throttled"}'),
      1,
    );
    assert.equal(value(text, 'mrb_upstream_throttled_total{upstream="graph"}'), 0);
    assert.equal(value(text, 'mrb_delivery_latency_seconds_count'), 1);
    // Planned, 2 s before the first try, then Retry-After's 3 s: at least 5 s to Teams.
    const latency = value(text, 'mrb_delivery_latency_seconds_sum');
    assert.ok(latency >= 5 && latency < 60, `latency ${latency}`);
    assert.equal(value(text, 'mrb_delivery_latency_seconds_bucket{le="2.5"}'), 0);
    assert.equal(value(text, 'mrb_delivery_latency_seconds_bucket{le="10"}'), 1);
  });

  it("tells Defender's final statuses apart: Failed, TimeOut, Cancelled", () => {
    const raw = (status: string) =>
      toDeviceActionState({
        id: 'ma-1',
        type: 'Isolate',
        machineId: 'm-1',
        status,
        cancellationRequestor: 'soc@contoso.com',
      });
    assert.equal(raw('Cancelled').ending, 'cancelled');
    assert.equal(raw('TimeOut').ending, 'timedOut');
    assert.equal(raw('Failed').ending, 'failed');
    assert.equal(raw('Succeeded').ending, undefined);
  });
});
