// Emulator → watcher → notification service → delivery engine → real CloudAdapter → fake Bot
// Connector (Teams' limits enforced), as buildApp assembles them: what the SOC channel and the
// contacts see, exactly once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../../src/app/build-app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
} from '../../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/emulator.ts';
import { DEMO_TENANTS_FILE } from '../../../src/defender-setup.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import type { NotificationService } from '../../../src/features/notifications/notification-service.ts';
import { openEmbeddedStore } from '../../../src/app/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import type { IncidentWatcher } from '../../../src/watcher/incident-watcher.ts';
import { FakeBotConnector, type FakeMessage } from '../../fakes/fake-bot-connector.ts';
import { install, localAdapter } from '../../delivery/teams-harness.ts';

const ALEX = '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c';
const MEGAN = '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d';
const ADELE = '6dab2e3a-8c4f-4a5b-adbe-2f3a4b5c6d7e';
const SOC_CHANNEL = '19:contoso-soc-alerts@thread.tacv2';

function cardJson(message: FakeMessage): string {
  return JSON.stringify(message.attachments?.[0]?.content ?? {});
}

describe('notification flow (emulator → Teams)', function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let connector: FakeBotConnector;
  let dataDir: string;
  let store: Store;
  let watcher: IncidentWatcher;
  let notifications: NotificationService;
  let delivery: DeliveryEngine;

  async function cycle(): Promise<void> {
    // On a loaded machine a poll can fail (a token or Graph call timing out); the watcher would
    // try again on its next tick, so the test does too, and names the error if it keeps failing.
    for (let attempt = 1; ; attempt += 1) {
      const contoso = (await watcher.pollAll()).find((r) => r.tenantId === DEMO_TENANT_ID);
      if (contoso?.ok) break;
      if (attempt >= 3) assert.fail(`Contoso's poll failed 3 times: ${String(contoso?.error)}`);
    }
    await notifications.processPending();
    await delivery.drain();
  }

  const contactCards = (userId: string) => {
    const chat = connector.personalConversation(DEMO_TENANT_ID, userId);
    return chat ? connector.messages(chat.id) : [];
  };

  before(async () => {
    const tls = await ensureDevCertificate('artifacts/tls');
    emulator = await startEmulator({ tls, port: 0, demoAwaitingAfterMs: null });
    connector = await FakeBotConnector.start();
    dataDir = await mkdtemp(path.join(tmpdir(), 'notify-it-'));
    store = await openEmbeddedStore(dataDir);
    const app = await buildApp(
      loadConfig({
        EMULATOR: 'off',
        TENANTS_FILE: DEMO_TENANTS_FILE,
        GRAPH_BASE_URL: emulator.graphBaseUrl,
        MDE_BASE_URL: emulator.mdeBaseUrl,
        AZURE_AUTHORITY_HOST: emulator.authorityHost,
        AZURE_DISABLE_INSTANCE_DISCOVERY: 'true',
      }),
      store,
      {
        logger: createLogger({ level: 'silent' }),
        env: {
          DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
          DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
        },
        // The demo's managed responses are seeded, as with the embedded emulator.
        demo: true,
        adapter: localAdapter(),
      },
    );
    ({ watcher, delivery } = app);
    notifications = app.features.notifications.service;
    const registry = app.conversations;
    await install(connector, registry, {
      tenantId: DEMO_TENANT_ID,
      kind: 'personal',
      memberIds: [ALEX],
    });
    await install(connector, registry, {
      tenantId: DEMO_TENANT_ID,
      kind: 'personal',
      memberIds: [MEGAN],
    });
    connector.addConversation({
      id: SOC_CHANNEL,
      tenantId: DEMO_TENANT_ID,
      kind: 'channel',
      memberIds: [ALEX],
    });
    await install(connector, registry, {
      tenantId: DEMO_TENANT_ID,
      kind: 'channel',
      memberIds: [ALEX],
    });
  });

  after(async () => {
    await watcher?.stop();
    await delivery?.stop();
    await store?.close();
    await connector?.close();
    await emulator?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('posts one SOC card per incident the experts handle, with a threaded step', async () => {
    await cycle();
    const roots = connector.messages(SOC_CHANNEL).filter((m) => !m.threadRootId);
    const titles = roots.map((m) => cardJson(m));
    // First poll: open incidents the experts hold (in progress, awaiting, the one about to be handed over).
    assert.equal(roots.length, 3, titles.join('\n'));
    for (const id of [
      DEMO_INCIDENT_IDS.expertsInvestigating,
      DEMO_INCIDENT_IDS.awaitingCustomer,
      DEMO_INCIDENT_IDS.handover,
    ]) {
      const root = roots.find((m) => cardJson(m).includes(`Incident ${id}`));
      assert.ok(root, `no SOC card for ${id}`);
      const replies = connector.messages(SOC_CHANNEL).filter((m) => m.threadRootId === root.id);
      assert.equal(replies.length, 1, `one step reply under ${id}`);
    }
    assert.equal(
      roots.some((m) => cardJson(m).includes(`Incident ${DEMO_INCIDENT_IDS.active}`)),
      false,
      'an incident the experts do not handle has no SOC card',
    );
  });

  it('sends the awaiting incident to each primary contact once, not to the secondary contact', async () => {
    for (const user of [ALEX, MEGAN]) {
      const cards = contactCards(user).filter((m) =>
        cardJson(m).includes(DEMO_INCIDENT_IDS.awaitingCustomer),
      );
      assert.equal(cards.length, 1);
      assert.match(cardJson(cards[0]!), /designated incident contact for Contoso/);
      assert.match(cardJson(cards[0]!), /isolate the server and quarantine the payload/);
    }
    assert.equal(connector.personalConversation(DEMO_TENANT_ID, ADELE), undefined);
  });

  it('notifies the contacts when the experts hand an incident over, exactly once across polls', async () => {
    emulator.control.patchIncident(DEMO_TENANT_ID, DEMO_INCIDENT_IDS.handover, {
      status: 'awaitingAction',
      assignedTo: 'Customer',
    });
    await cycle();
    await cycle();
    for (const user of [ALEX, MEGAN]) {
      const cards = contactCards(user).filter((m) =>
        cardJson(m).includes(`Incident ${DEMO_INCIDENT_IDS.handover}`),
      );
      assert.equal(cards.length, 1, `contact ${user}`);
      assert.match(cardJson(cards[0]!), /2 incidents await your action/);
    }
  });

  it('updates the SOC card in place when the experts resolve an incident, with their closing comment', async () => {
    const id = DEMO_INCIDENT_IDS.expertsInvestigating;
    const rootsBefore = connector.messages(SOC_CHANNEL).filter((m) => !m.threadRootId).length;
    emulator.control.addComment(
      DEMO_TENANT_ID,
      id,
      'Benign admin script confirmed with the IT team.',
    );
    emulator.control.patchIncident(DEMO_TENANT_ID, id, {
      status: 'resolved',
      assignedTo: null,
      classification: 'falsePositive',
      determination: 'notMalicious',
    });
    await cycle();
    const roots = connector.messages(SOC_CHANNEL).filter((m) => !m.threadRootId);
    assert.equal(roots.length, rootsBefore, 'no new root card');
    const card = roots.find((m) => cardJson(m).includes(`Incident ${id}`))!;
    assert.ok(card.version > 1, 'edited in place');
    const json = cardJson(card);
    assert.match(json, /Resolved/);
    assert.match(json, /False positive/);
    assert.match(json, /Not malicious/);
    assert.match(json, /Benign admin script confirmed/);
    const steps = connector
      .messages(SOC_CHANNEL)
      .filter((m) => m.threadRootId === card.id)
      .map(cardJson);
    assert.ok(
      steps.some((s) => s.includes('Resolved as False positive (Not malicious)')),
      steps.join('\n'),
    );
  });
});
