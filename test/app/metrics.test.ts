// GET /metrics on the whole app as npm start composes it (emulator, watcher, delivery).
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import { startInProcessApp, type InProcessApp } from '../fakes/in-process-app.ts';

const TOKEN = 'scrape-secret-0123456789';

describe('GET /metrics', function () {
  this.timeout(60_000);
  let app: InProcessApp;
  before(async () => {
    app = await startInProcessApp({ METRICS_TOKEN: TOKEN, POLL_INTERVAL_SECONDS: '1' });
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
});
