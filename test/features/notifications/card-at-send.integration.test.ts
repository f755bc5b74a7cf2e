// Cards rendered when sent (issue 10 item 4), as buildApp assembles the app: the SOC channel card
// of an awaiting incident waits while the app is not in the team; an action is completed
// meanwhile; once the app is added to the team, the card that arrives shows the current state.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../../src/app/build-app.ts';
import { openEmbeddedStore } from '../../../src/app/open-store.ts';
import { loadConfig } from '../../../src/config.ts';
import { DEMO_TENANTS_FILE } from '../../../src/defender-setup.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
} from '../../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/emulator.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import type { Store } from '../../../src/store/store.ts';
import { FakeBotConnector, type FakeMessage } from '../../fakes/fake-bot-connector.ts';
import { install, localAdapter } from '../../delivery/teams-harness.ts';

const ALEX = '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c';
const SOC_CHANNEL = '19:contoso-soc-alerts@thread.tacv2';
const AWAITING = DEMO_INCIDENT_IDS.awaitingCustomer;

const cardJson = (m: FakeMessage) => JSON.stringify(m.attachments?.[0]?.content ?? {});

describe('cards rendered when sent (emulator → Teams)', function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let connector: FakeBotConnector;
  let dataDir: string;
  let store: Store;
  let app: App;

  before(async () => {
    const tls = await ensureDevCertificate('artifacts/tls');
    emulator = await startEmulator({ tls, port: 0, demoAwaitingAfterMs: null });
    connector = await FakeBotConnector.start();
    dataDir = await mkdtemp(path.join(tmpdir(), 'card-at-send-'));
    store = await openEmbeddedStore(dataDir);
    app = await buildApp(
      loadConfig({
        EMULATOR: 'off',
        TENANTS_FILE: DEMO_TENANTS_FILE,
        GRAPH_BASE_URL: emulator.graphBaseUrl,
        MDE_BASE_URL: emulator.mdeBaseUrl,
        AZURE_AUTHORITY_HOST: emulator.authorityHost,
        AZURE_DISABLE_INSTANCE_DISCOVERY: 'true',
        EXPERTS_API_KEY: 'experts-key',
      }),
      store,
      {
        logger: createLogger({ level: 'silent' }),
        env: {
          DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
          DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
        },
        demo: true,
        adapter: localAdapter(),
      },
    );
    // Alex has the app; the SOC channel's team does not have it yet.
    await install(connector, app.conversations, {
      tenantId: DEMO_TENANT_ID,
      kind: 'personal',
      memberIds: [ALEX],
    });
  });

  after(async () => {
    await app?.watcher.stop();
    await app?.delivery.stop();
    await store?.close();
    await connector?.close();
    await emulator?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a parked SOC card arrives showing the action completed while it waited', async () => {
    // A poll may fail on a loaded machine (a slow token answer): poll again until it is in.
    const parkedSocCards = async () =>
      (await app.delivery.listJobs({ status: 'parked' })).filter(
        (j) =>
          j.job.target.kind === 'conversation' &&
          j.job.target.conversationId === SOC_CHANNEL &&
          j.job.id.includes(`:${AWAITING}:`),
      );
    for (let attempt = 0; attempt < 10 && (await parkedSocCards()).length === 0; attempt++) {
      await app.watcher.pollAll();
      await app.features.notifications.service.processPending();
      await app.delivery.drain();
    }
    assert.deepEqual(
      connector.messages(SOC_CHANNEL),
      [],
      'nothing posted: the app is not in the team',
    );
    assert.ok((await parkedSocCards()).length > 0, 'its card is parked');

    // An action is completed while the card waits (what the managed-response feature writes).
    const stored = await app.responses.get(DEMO_TENANT_ID, AWAITING);
    assert.ok(stored);
    const total = stored.value.actions.length;
    const open = stored.value.actions.filter((a) => a.status === 'pending').length;
    assert.equal(open, total, `planned while ${total} of ${total} were pending`);
    const [first, ...rest] = stored.value.actions;
    await app.responses.put(
      {
        ...stored.value,
        actions: [{ ...first!, status: 'completed' }, ...rest],
      },
      stored.version,
    );

    // The app is added to the team: Teams tells the bot, the parked cards go out.
    connector.addConversation({
      id: SOC_CHANNEL,
      tenantId: DEMO_TENANT_ID,
      kind: 'channel',
      memberIds: [ALEX],
    });
    await install(connector, app.conversations, {
      tenantId: DEMO_TENANT_ID,
      kind: 'channel',
      memberIds: [ALEX],
    });
    const [record] = await app.conversations.list({ tenantId: DEMO_TENANT_ID, kind: 'channel' });
    await app.features.notifications.onInstalled(record!);
    await app.delivery.drain();

    const card = connector
      .messages(SOC_CHANNEL)
      .find((m) => !m.threadRootId && cardJson(m).includes(`Incident ${AWAITING}`));
    assert.ok(card, 'the SOC card arrived');
    const json = cardJson(card);
    assert.match(json, new RegExp(`"Pending actions","value":"${total - 1} of ${total}"`));
    assert.doesNotMatch(json, new RegExp(`"${total} of ${total}"`));
  });

  it('the managed response (Experts API) lists who was notified and how', async () => {
    await new Promise<void>((resolve) => {
      app.server.listen(0, '127.0.0.1', () => resolve());
    });
    try {
      const { port } = app.server.address() as { port: number };
      const res = await fetch(
        `http://127.0.0.1:${port}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${AWAITING}/managed-response`,
        { headers: { 'x-api-key': 'experts-key' } },
      );
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        notified?: { userId: string; name: string; how: string; reached: boolean }[];
      };
      const alex = body.notified?.find((c) => c.userId === ALEX);
      assert.deepEqual(alex, { userId: ALEX, name: 'Alex Wilber', how: 'Teams', reached: true });
      assert.ok(
        body.notified?.some((c) => c.name === 'Megan Bowen'),
        'every primary contact',
      );
    } finally {
      app.server.close();
    }
  });
});
