// Proactive install end to end: the delivery engine, ProactiveMessenger over a real CloudAdapter
// to the fake Bot Connector, and the Graph client against the emulator. A contact who never
// opened the app gets the card in the 1:1 chat Graph created; refusals park the card and say why.
import assert from 'node:assert/strict';
import { DefenderClientFactory } from '../../../src/defender/defender-client-factory.ts';
import { parseTenantsConfig } from '../../../src/defender/tenant-config.ts';
import { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import type { DeliveryJob, DeliveryTarget } from '../../../src/delivery/delivery-job.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DIRECTORY,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../../src/emulator/emulator.ts';
import {
  ProactiveInstall,
  type TeamsAppInstaller,
} from '../../../src/features/notifications/unreachable-install.ts';
import { install, quietLogger, teamsMessenger } from '../../delivery/teams-harness.ts';
import { startTestEmulator } from '../../emulator/emulator-harness.ts';
import { FakeBotConnector } from '../../fakes/fake-bot-connector.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const C = DEMO_DIRECTORY.contoso;
const ISAIAH = C.contacts.neverOpenedApp.userId;
const PATTI = C.contacts.emailOnly.userId;
const DIEGO = DEMO_DIRECTORY.fabrikam.contact.userId;

function tenant(tenantId: string, name: string, proactiveInstall = true): CustomerTenant {
  return {
    tenantId,
    name,
    expertsAccess: 'reader',
    roles: { operators: [], readers: [] },
    contacts: { primary: [], secondary: [] },
    admins: [],
    socChannels: [],
    proactiveInstall,
  };
}

function job(tenantId: string, userId: string, n = 1): DeliveryJob {
  return {
    id: `card:${userId}:${n}`,
    orderingKey: `incident-1:${userId}`,
    target: { kind: 'personal', tenantId, userId },
    operation: { kind: 'send', activity: { text: `incident 1, update ${n}` } },
    createdAt: new Date().toISOString(),
  };
}

describe('proactive install: engine + Graph (emulator) + Bot Connector (fake)', function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let connector: FakeBotConnector;
  let store: MemoryStore;
  let factory: DefenderClientFactory;
  let unreachable: { target: DeliveryTarget; code: string | undefined }[];

  beforeEach(async () => {
    emulator = await startTestEmulator({ port: 0 });
    connector = await FakeBotConnector.start();
    store = new MemoryStore();
    unreachable = [];
    factory = new DefenderClientFactory(
      parseTenantsConfig(
        [
          {
            tenantId: DEMO_TENANT_ID,
            name: 'Contoso',
            proactiveInstall: true,
            defender: {
              credential: { kind: 'clientSecret', clientId: DEMO_CLIENT_ID, secretEnv: 'C' },
            },
          },
          {
            tenantId: FABRIKAM_TENANT_ID,
            name: 'Fabrikam',
            proactiveInstall: true,
            defender: {
              credential: { kind: 'clientSecret', clientId: FABRIKAM_CLIENT_ID, secretEnv: 'F' },
            },
          },
        ],
        { source: 'tenants.json' },
      ),
      {
        graphBaseUrl: emulator.graphBaseUrl,
        mdeBaseUrl: emulator.mdeBaseUrl,
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
        env: { C: DEMO_CLIENT_SECRET, F: FABRIKAM_CLIENT_SECRET },
        retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 20, requestTimeoutMs: 3_000 },
      },
    );
  });
  afterEach(async () => {
    await connector.close();
    await emulator.close();
  });

  /** Graph's install, plus what Teams does on it: the Bot Connector then knows the 1:1 chat. */
  function installerFor(tenantId: string): TeamsAppInstaller {
    const graph = factory.forTenant(tenantId).teamsApps;
    return {
      async ensureInstalled(userId) {
        const outcome = await graph.ensureInstalled(userId);
        if ('chatId' in outcome && !connector.messages(outcome.chatId).length) {
          connector.addConversation({
            id: outcome.chatId,
            tenantId,
            kind: 'personal',
            memberIds: [userId],
          });
        }
        return outcome;
      },
    };
  }

  async function run(jobs: DeliveryJob[], tenants: CustomerTenant[]) {
    const { messenger, registry } = teamsMessenger(store, quietLogger);
    // The tenant's last activity: a SOC channel the bot is in (its service URL is the fake's).
    for (const t of tenants) {
      await install(connector, registry, { tenantId: t.tenantId, kind: 'channel', memberIds: [] });
    }
    const proactive = new ProactiveInstall({
      store,
      conversations: registry,
      installerFor,
      botAppId: '',
      now: () => new Date(),
      logger: quietLogger,
    });
    const byId = (id: string) => tenants.find((t) => t.tenantId === id);
    const engine = new DeliveryEngine({
      store,
      messenger,
      logger: quietLogger,
      tryReach: (target) => proactive.reach(byId(target.tenantId), target),
      onUnreachable: (target) => {
        unreachable.push({ target, code: proactive.takeRefusal(target)?.code });
      },
    });
    await engine.enqueue(jobs);
    await engine.drain();
    return { engine, registry, proactive };
  }

  const texts = (chatId: string) => connector.messages(chatId).map((m) => m.text);
  const installs = (userId: string) =>
    emulator.control
      .listInstallations(DEMO_TENANT_ID, userId)
      .filter((i) => i.teamsAppId === C.teamsApp.catalogId);

  it('installs the app for a contact never seen and delivers every card into the new chat, in order', async () => {
    const contoso = tenant(DEMO_TENANT_ID, 'Contoso');
    const { engine, registry } = await run(
      [job(DEMO_TENANT_ID, ISAIAH, 1), job(DEMO_TENANT_ID, ISAIAH, 2)],
      [contoso],
    );
    const [installation] = installs(ISAIAH);
    assert.ok(installation?.chatId, 'installed through Graph, with a 1:1 chat');
    assert.deepEqual(texts(installation.chatId), ['incident 1, update 1', 'incident 1, update 2']);
    const recorded = await registry.findPersonal(DEMO_TENANT_ID, ISAIAH);
    assert.equal(recorded?.conversationId, installation.chatId);
    assert.equal(recorded?.reference.serviceUrl, connector.serviceUrl, "tenant's last activity");
    assert.deepEqual(await engine.listJobs(), []);
    assert.deepEqual(unreachable, []);
  });

  it('already installed (e.g. by the Teams admin): no second install, the card goes into the chat', async () => {
    const first = await installerFor(DEMO_TENANT_ID).ensureInstalled(ISAIAH);
    assert.equal(first.kind, 'installed');
    await run([job(DEMO_TENANT_ID, ISAIAH)], [tenant(DEMO_TENANT_ID, 'Contoso')]);
    assert.equal(installs(ISAIAH).length, 1);
    assert.ok('chatId' in first);
    assert.deepEqual(texts(first.chatId), ['incident 1, update 1']);
  });

  it('a tenant that did not opt in: nothing installed, the card is parked as before', async () => {
    const { engine } = await run(
      [job(DEMO_TENANT_ID, ISAIAH)],
      [tenant(DEMO_TENANT_ID, 'Contoso', false)],
    );
    assert.equal(installs(ISAIAH).length, 0);
    assert.deepEqual(
      (await engine.listJobs()).map((j) => j.status),
      ['parked'],
    );
    assert.equal(unreachable.length, 1);
    assert.equal(unreachable[0]!.code, undefined, 'the ordinary notice');
  });

  it('403 permission missing (Fabrikam): parked; the admins are told what to grant once per tenant, across restarts', async () => {
    const fabrikam = tenant(FABRIKAM_TENANT_ID, 'Fabrikam');
    const { engine } = await run([job(FABRIKAM_TENANT_ID, DIEGO)], [fabrikam]);
    assert.deepEqual(
      (await engine.listJobs()).map((j) => j.status),
      ['parked'],
    );
    assert.deepEqual(
      unreachable.map((u) => u.code),
      ['InstallPermissionMissing'],
    );

    // A new process on the same store, another contact: refused again, but no second notice.
    const { registry } = teamsMessenger(store, quietLogger);
    const again = new ProactiveInstall({
      store,
      conversations: registry,
      installerFor,
      botAppId: '',
      now: () => new Date(),
      logger: quietLogger,
    });
    const second = await again.tryReach(
      fabrikam,
      { kind: 'personal', tenantId: FABRIKAM_TENANT_ID, userId: DIEGO },
      { code: 'NotInstalled' },
    );
    assert.equal(second.kind, 'refused');
    assert.ok(second.kind === 'refused' && !second.tellAdmins, 'told once');
  });

  it('404 app not in the catalog, and 403 app policy: parked with the reason for the admins', async () => {
    emulator.control.setInCatalog(DEMO_TENANT_ID, C.teamsApp.catalogId, false);
    const { engine } = await run(
      [job(DEMO_TENANT_ID, ISAIAH)],
      [tenant(DEMO_TENANT_ID, 'Contoso')],
    );
    assert.deepEqual(
      (await engine.listJobs()).map((j) => j.status),
      ['parked'],
    );
    assert.deepEqual(
      unreachable.map((u) => u.code),
      ['AppNotInCatalog'],
    );

    emulator.control.setInCatalog(DEMO_TENANT_ID, C.teamsApp.catalogId, true);
    unreachable = [];
    await run([job(DEMO_TENANT_ID, PATTI)], [tenant(DEMO_TENANT_ID, 'Contoso')]);
    assert.deepEqual(
      unreachable.map((u) => u.code),
      ['AppBlockedByPolicy'],
    );
    assert.equal(installs(PATTI).length, 0);
  });
});

describe('the admins notice when Graph refused the install', () => {
  it('names the exact permission to grant, and the admin center to grant it in', async () => {
    const { unreachableNoticeData } = await import('../../../cards/message-unreachable.ts');
    const t = { ...tenant(FABRIKAM_TENANT_ID, 'Fabrikam') };
    t.contacts = { primary: [{ userId: DIEGO, name: 'Diego Siciliani' }], secondary: [] };
    const data = unreachableNoticeData(t, { kind: 'personal', userId: DIEGO }, true, {
      code: 'InstallPermissionMissing',
      detail: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
    });
    assert.match(data.text ?? '', /Diego Siciliani/);
    assert.match(data.text ?? '', /TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
    assert.match(data.text ?? '', /Grant admin consent/);
    const policy = unreachableNoticeData(t, { kind: 'personal', userId: DIEGO }, true, {
      code: 'AppBlockedByPolicy',
      detail: 'App is blocked by app permission policy.',
    });
    assert.match(policy.text ?? '', /permission polic/);
  });
});
