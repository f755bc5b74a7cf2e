// GET /metrics on the whole app as npm start composes it (emulator, watcher, delivery).
import assert from 'node:assert/strict';
import { DEMO_INCIDENT_IDS, DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import { startInProcessApp, type InProcessApp } from '../fakes/in-process-app.ts';

const TOKEN = 'scrape-secret-0123456789';

describe('GET /metrics', function () {
  this.timeout(60_000);
  let app: InProcessApp;
  before(async () => {
    app = await startInProcessApp({
      METRICS_TOKEN: TOKEN,
      POLL_INTERVAL_SECONDS: '1',
      EMULATOR_ACTION_MS: '200',
    });
  });
  after(() => app.dispose());

  const scrape = async (authorization?: string) =>
    fetch(`${app.base}/metrics`, authorization ? { headers: { authorization } } : {});

  it('refuses a scrape without the configured bearer token', async () => {
    assert.equal((await scrape()).status, 401);
    assert.equal((await scrape('Bearer wrong')).status, 401);
  });

  it('reports polls per tenant, delivery jobs and request times in the Prometheus format', async () => {
    await fetch(`${app.base}/healthz`);
    await fetch(`${app.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: 'metrics-1',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        conversation: { id: 'a:metrics', conversationType: 'personal' },
        from: { id: '29:alex', aadObjectId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c' },
        recipient: { id: '28:bot' },
        channelData: { tenant: { id: DEMO_TENANT_ID } },
        value: { action: { type: 'Action.Execute', verb: 'refreshManagedResponse', data: {} } },
      }),
    });
    const pollCount = new RegExp(
      `mrb_watcher_poll_duration_seconds_count\\{tenant="${DEMO_TENANT_ID}",outcome="ok"\\} ([0-9]+)`,
    );
    let text = '';
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await scrape(`Bearer ${TOKEN}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      text = await res.text();
      if (pollCount.test(text)) break;
      assert.ok(Date.now() < deadline, `no successful poll reported:\n${text.slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(Number(pollCount.exec(text)![1]) >= 1);
    const lag = new RegExp(
      `mrb_watcher_poll_lag_seconds\\{tenant="${DEMO_TENANT_ID}"\\} ([0-9.e+-]+)`,
    );
    const lagSeconds = Number(lag.exec(text)?.[1]);
    assert.ok(lagSeconds >= 0 && lagSeconds < 30, `lag ${lagSeconds}`);
    for (const status of ['pending', 'inFlight', 'parked', 'failed']) {
      assert.match(text, new RegExp(`mrb_delivery_jobs\\{status="${status}"\\} [0-9]+`));
    }
    assert.match(
      text,
      /mrb_http_request_duration_seconds_count\{route="\/healthz",method="GET",status="200",activity=""\} 1/,
    );
    assert.match(
      text,
      /mrb_http_request_duration_seconds_count\{route="\/api\/messages",method="POST",status="200",activity="invoke:adaptiveCard\/action"\} 1/,
    );
    assert.match(text, /mrb_process_resident_memory_bytes [0-9]+/);
  });

  it("counts Graph's 429s and retries, and a machine action started and succeeded", async () => {
    const fault = await fetch(`${app.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: '429',
        retryAfterSeconds: 0,
        count: 1,
        path: '/security/incidents',
      }),
    });
    assert.equal(fault.status, 201);
    const click = await fetch(`${app.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: 'metrics-2',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        conversation: { id: 'a:metrics', conversationType: 'personal' },
        from: { id: '29:alex', aadObjectId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c' },
        recipient: { id: '28:bot' },
        channelData: { tenant: { id: DEMO_TENANT_ID } },
        value: {
          action: {
            type: 'Action.Execute',
            verb: 'runAction',
            data: { incidentId: DEMO_INCIDENT_IDS.awaitingCustomer, actionId: 'a1' },
          },
        },
      }),
    });
    assert.equal(click.status, 200);
    assert.match(await click.text(), /Started/);
    const series = {
      throttled: 'mrb_upstream_throttled_total{upstream="graph"}',
      retried: 'mrb_upstream_retries_total{upstream="graph",reason="throttled"}',
      started: 'mrb_machine_actions_total{kind="isolateDevice",outcome="started"}',
      succeeded: 'mrb_machine_actions_total{kind="isolateDevice",outcome="succeeded"}',
    };
    const read = (text: string, name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.slice(name.length + 1)) : NaN;
    };
    let text = '';
    const deadline = Date.now() + 45_000;
    for (;;) {
      text = await (await scrape(`Bearer ${TOKEN}`)).text();
      if (Object.values(series).every((name) => read(text, name) >= 1)) break;
      const now = Object.fromEntries(Object.entries(series).map(([k, n]) => [k, read(text, n)]));
      assert.ok(Date.now() < deadline, `not all counted: ${JSON.stringify(now)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(read(text, 'mrb_upstream_throttled_total{upstream="defender"}'), 0);
    assert.equal(read(text, 'mrb_machine_actions_total{kind="isolateDevice",outcome="failed"}'), 0);
    assert.match(text, /mrb_delivery_latency_seconds_count [0-9]+/);
    assert.match(
      text,
      /mrb_rate_limit_holds_total\{upstream="botConnector",outcome="waited"\} [0-9]+/,
    );
  });
});
