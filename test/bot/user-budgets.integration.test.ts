// Issue 14, item 4, through the real pipeline: the app as buildApp assembles it (restify →
// CloudAdapter → bot → chat feature → Defender clients over HTTPS → the Defender XDR emulator),
// its watcher polling both demo tenants every second, and Teams played by the fake Bot Connector.
// One Security Reader floods the bot with `chat <unknown id>`: the Graph calls stop at their
// budget, the rest is answered with slow-down cards, and neither tenant's watcher falls behind.
// Then the Experts API, while the tenant's Graph quota is spent or Graph throttles: it answers
// at once (503 with Retry-After, or 404), never after a long wait.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type App } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_TENANTS_FILE } from '../../src/defender-setup.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { closeServer, listen } from '../../src/server.ts';
import { openEmbeddedStore } from '../../src/app/open-store.ts';
import type { FlatStore } from '../../src/store/flat-store.ts';
import { localAdapter } from '../delivery/teams-harness.ts';
import { FakeMessenger } from '../delivery/fake-messenger.ts';
import { FakeBotConnector, type FakeConversation } from '../fakes/fake-bot-connector.ts';
import { teamsMessage } from '../features/chat/chat-stack.ts';

const MEGAN = {
  id: '29:megan',
  name: 'Megan Bowen',
  aadObjectId: '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d',
};
const EXPERTS = {
  tenantId: '3e1d7c5a-2f4b-4a6c-9d8e-5f0a1b2c3d4e',
  channelId: '19:cc@thread.tacv2',
};
const API_KEY = 'budget-test-key';
const INTERVAL_MS = 1_000;
const INCIDENT_BY_ID = 'GET /graph/v1.0/security/incidents/{id}';
const INCIDENT_LIST = 'GET /graph/v1.0/security/incidents';

interface Stack {
  app: App;
  base: string;
  emulator: RunningEmulator;
  connector: FakeBotConnector;
  chat: FakeConversation;
  logs: Record<string, unknown>[];
  post(activity: Record<string, unknown>): Promise<number>;
  expertsPut(
    incidentId: string,
  ): Promise<{ status: number; ms: number; retryAfter: string | null; body: unknown }>;
  graphCalls(route: string): number;
  close(): Promise<void>;
}

async function startStack(env: Record<string, string> = {}, watch = true): Promise<Stack> {
  const tls = await ensureDevCertificate('artifacts/tls');
  const emulator = await startEmulator({ tls, port: 0, demoAwaitingAfterMs: null });
  // Teams' limits off: the counts of answers below are then exact (with them on, Teams would
  // refuse some of the 300 answers, which the bot logs and carries on from).
  const connector = await FakeBotConnector.start({ limits: false });
  const dataDir = await mkdtemp(join(tmpdir(), 'budgets-'));
  const store: FlatStore = await openEmbeddedStore(dataDir);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = loadConfig({
    EMULATOR: 'off',
    TENANTS_FILE: DEMO_TENANTS_FILE,
    GRAPH_BASE_URL: emulator.graphBaseUrl,
    MDE_BASE_URL: emulator.mdeBaseUrl,
    AZURE_AUTHORITY_HOST: emulator.authorityHost,
    AZURE_DISABLE_INSTANCE_DISCOVERY: 'true',
    POLL_INTERVAL_SECONDS: String(INTERVAL_MS / 1000),
    EXPERTS_TENANT_ID: EXPERTS.tenantId,
    EXPERTS_CHANNEL_ID: EXPERTS.channelId,
    EXPERTS_API_KEY: API_KEY,
    ...env,
  });
  const app = await buildApp(config, store, {
    logger: createLogger({ level: 'debug' }, sink),
    env: {
      DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
    },
    adapter: localAdapter(),
    messenger: new FakeMessenger(),
  });
  const base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
  if (watch) app.start();
  const chat = connector.addConversation({
    tenantId: DEMO_TENANT_ID,
    kind: 'personal',
    memberIds: [MEGAN.aadObjectId],
  });
  return {
    app,
    base,
    emulator,
    connector,
    chat,
    logs,
    async post(activity) {
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async expertsPut(incidentId) {
      const started = performance.now();
      const res = await fetch(
        `${base}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${incidentId}/managed-response`,
        {
          method: 'PUT',
          headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({
            summary: { headline: 'h', narrative: 'n', severity: 'high', potentialImpact: 'p' },
            actions: [],
          }),
        },
      );
      const body: unknown = await res.json();
      return {
        status: res.status,
        ms: performance.now() - started,
        retryAfter: res.headers.get('retry-after'),
        body,
      };
    },
    graphCalls: (route) =>
      Object.values(emulator.control.stats().routes[route] ?? {}).reduce((a, b) => a + b, 0),
    async close() {
      await app.stop();
      await closeServer(app.server);
      await store.close();
      await emulator.close();
      await connector.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** When each poll of the tenant ended (ms), from the watcher's log lines. */
function pollTimes(logs: Record<string, unknown>[], tenantId: string): number[] {
  return logs
    .filter(
      (l) =>
        l.tenantId === tenantId && String(l.msg).startsWith('incident poll of') && 'watermark' in l,
    )
    .map((l) => Date.parse(String(l.time)));
}

/** The longest gap between polls that ended within [from, to] (and the poll before them). */
function longestGap(times: number[], from: number, to: number): { gap: number; polls: number } {
  const before = times.filter((t) => t < from).at(-1);
  const inside = times.filter((t) => t >= from && t <= to);
  const all = [...(before === undefined ? [] : [before]), ...inside, to];
  let gap = 0;
  for (let i = 1; i < all.length; i++) gap = Math.max(gap, all[i]! - all[i - 1]!);
  return { gap, polls: inside.length };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function cardTitle(message: { attachments?: { content: unknown }[] }): string | undefined {
  const content = message.attachments?.[0]?.content as { body?: { items?: { text?: string }[] }[] };
  return content?.body?.[0]?.items?.[0]?.text;
}

describe('budgets per user and tenant, through the real pipeline (issue 14)', function () {
  this.timeout(120_000);
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('300 "chat <unknown id>" from one user: Graph calls stop at the budget, no watcher falls behind', async () => {
    stack = await startStack();
    const s = stack;
    await waitFor('both tenants polled', () =>
      [DEMO_TENANT_ID, FABRIKAM_TENANT_ID].every((t) => pollTimes(s.logs, t).length >= 2),
    );
    s.emulator.control.resetStats();
    const started = Date.now();
    for (let i = 0; i < 300; i++) {
      const status = await s.post(
        teamsMessage(
          s.connector,
          { conversation: s.chat },
          MEGAN,
          `chat 9${String(i).padStart(6, '0')}`,
        ),
      );
      assert.equal(status, 200);
    }
    const ended = Date.now();
    // One more interval, so that a poll held up by the flood would show as a gap.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 1.5));
    const observedTo = Date.now();

    const lookups = s.graphCalls(INCIDENT_BY_ID);
    assert.equal(lookups, 20, 'one Graph look-up per unit of the per-user budget (20), no more');

    const answers = s.connector.messages(s.chat.id);
    assert.equal(answers.length, 300, 'every message answered');
    const notOurs = answers.filter((m) => /isn't one of Contoso's incidents/.test(m.text ?? ''));
    const slowDown = answers.filter((m) => cardTitle(m) === "You're going fast");
    assert.equal(notOurs.length, 20);
    assert.equal(slowDown.length, 280);
    assert.ok(
      answers.slice(0, 20).every((m) => notOurs.includes(m)),
      'the first 20 were looked up, everything after was refused',
    );
    const lookupRefusals = slowDown.filter((m) =>
      JSON.stringify(m.attachments).includes("You've asked about many incidents"),
    );
    assert.equal(
      lookupRefusals.length,
      10,
      'messages 21-30: within the message budget, over the look-up budget',
    );

    const budgetLines = s.logs.filter((l) => String(l.msg).includes('budget of the user spent'));
    assert.deepEqual(
      budgetLines.map((l) => l.budget),
      ['lookup', 'message'],
      'each budget logged once for its window',
    );

    const same = longestGap(pollTimes(s.logs, DEMO_TENANT_ID), started, observedTo);
    const other = longestGap(pollTimes(s.logs, FABRIKAM_TENANT_ID), started, observedTo);
    const burstMs = ended - started;
    console.log(
      `      300 messages in ${burstMs} ms; Graph look-ups ${lookups}, incident lists ${s.graphCalls(INCIDENT_LIST)}; ` +
        `longest gap between polls: same tenant ${same.gap} ms (${same.polls} polls), ` +
        `other tenant ${other.gap} ms (${other.polls} polls); nominal ≤ ${INTERVAL_MS * 1.2} ms`,
    );
    // A poll every interval (±20 % jitter): no more than one interval late, either tenant.
    const allowed = INTERVAL_MS * 1.2 + INTERVAL_MS;
    assert.ok(same.gap <= allowed, `the same tenant's watcher fell ${same.gap} ms behind`);
    assert.ok(other.gap <= allowed, `the other tenant's watcher fell ${other.gap} ms behind`);
    const expectedPolls = Math.floor((observedTo - started) / (INTERVAL_MS * 1.2)) - 1;
    assert.ok(
      same.polls >= expectedPolls && other.polls >= expectedPolls,
      'the watchers kept polling',
    );
  });

  it("caps users' Graph calls at their share of the tenant's quota, with a busy card past it", async () => {
    const lots = '1000';
    stack = await startStack({
      BUDGET_MESSAGES_PER_USER: lots,
      BUDGET_MESSAGES_PER_TENANT: lots,
      BUDGET_LOOKUPS_PER_USER: lots,
      BUDGET_LOOKUPS_PER_TENANT: lots,
      GRAPH_USER_CALLS_PER_MINUTE: '10',
    });
    const s = stack;
    await waitFor('Contoso polled', () => pollTimes(s.logs, DEMO_TENANT_ID).length >= 2);
    s.emulator.control.resetStats();
    const started = Date.now();
    for (let i = 0; i < 60; i++) {
      await s.post(
        teamsMessage(
          s.connector,
          { conversation: s.chat },
          MEGAN,
          `history 8${String(i).padStart(6, '0')}`,
        ),
      );
    }
    assert.equal(s.graphCalls(INCIDENT_BY_ID), 10, "only the users' share reached Graph");
    const answers = s.connector.messages(s.chat.id);
    const busy = answers.filter((m) => cardTitle(m) === 'Defender is busy');
    assert.equal(busy.length, 50);
    assert.match(
      JSON.stringify(busy[0]?.attachments),
      /Defender is busy for your organisation right now/,
    );
    // The Experts API is not a user: it still reaches Graph at once (404 for an unknown incident).
    const api = await s.expertsPut('7000001');
    assert.equal(api.status, 404, JSON.stringify(api.body));
    assert.ok(api.ms < 1_000, `answered in ${Math.round(api.ms)} ms`);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 1.5));
    const same = longestGap(pollTimes(s.logs, DEMO_TENANT_ID), started, Date.now());
    assert.ok(same.gap <= INTERVAL_MS * 2.2, `the watcher fell ${same.gap} ms behind`);
  });

  it("answers the Experts API at once (503, Retry-After) when the tenant's Graph quota is spent", async () => {
    stack = await startStack({}, false);
    const graph = stack.app.defender.forTenant(DEMO_TENANT_ID).incidents;
    const known = DEMO_INCIDENT_IDS.expertsInvestigating;
    // Graph's 150 a minute, spent by background work (no watcher here: nothing else takes any).
    await Promise.all(Array.from({ length: 150 }, () => graph.getIncident(known)));
    stack.emulator.control.resetStats();
    const answer = await stack.expertsPut('7000002');
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal((answer.body as { error: { code: string } }).error.code, 'DefenderBusy');
    const retryAfter = Number(answer.retryAfter);
    assert.ok(retryAfter > 30 && retryAfter <= 60, `Retry-After ${answer.retryAfter}`);
    assert.ok(answer.ms < 1_000, `answered in ${Math.round(answer.ms)} ms, not after a wait`);
    assert.equal(stack.emulator.control.stats().total, 0, 'nothing was sent to Graph');
  });

  it('answers the Experts API at once (503, Retry-After) while Graph throttles, without retrying', async () => {
    stack = await startStack({}, false);
    stack.emulator.control.injectFault({
      kind: '429',
      retryAfterSeconds: 30,
      path: '/security/incidents/',
    });
    const answer = await stack.expertsPut('7000003');
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal(answer.retryAfter, '30');
    assert.ok(answer.ms < 2_000, `answered in ${Math.round(answer.ms)} ms`);
    assert.equal(stack.graphCalls(INCIDENT_BY_ID), 1, 'one try: its Retry-After is past the bound');
    stack.emulator.control.clearFaults();
    const unknown = await stack.expertsPut('7000003');
    assert.equal(unknown.status, 404);
  });
});
