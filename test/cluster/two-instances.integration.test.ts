// Two bot instances (the real start command, as child processes) on one Azurite: STORE=tables
// and CLUSTER=lease, the Defender XDR emulator and a fake Bot Connector (Teams' limits enforced)
// in this process. Three tenants get a burst of incident changes; one instance is SIGKILLed in
// the middle of it. Every notification must reach Teams, none twice beyond the at-least-once
// window (at most one call in flight per conversation of the dead instance's tenants), and the
// survivor must take the dead one's tenants over within the lease time plus 5 s. Then 100
// concurrent clicks spread over two instances must start exactly one Defender machine action.
// The changes per tenant: half new incidents for the experts (the kill comes after them), then a
// comment on each, once the watcher has seen the incident (a polling watcher folds a comment made
// before an incident's first sight into that sight: one change, not two).
//
// The default run makes 20 changes per tenant (60) to stay near a minute and a half: each channel
// is sent to one call at a time within Teams' limits (60 writes in 30 s), and each call costs two
// Tables writes. MRB_CLUSTER_FULL=1 runs the 300 (100 per tenant): over five minutes.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/app/open-store.ts';
import { partitionsFrom } from '../../src/config.ts';
import { DEMO_TENANTS_FILE } from '../../src/defender-setup.ts';
import type { DeliveryRecord } from '../../src/delivery/delivery-job.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
  demoTenants,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';
import { ConversationRegistry } from '../../src/shared/conversation-registry.ts';
import type { FlatStore } from '../../src/store/flat-store.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';
import { startClusterBot, type ClusterBot } from './fixtures/cluster-bot.ts';

const FULL = process.env.MRB_CLUSTER_FULL === '1';
const CHANGES_PER_TENANT = FULL ? 100 : 20;
const LEASE_SECONDS = 15;
const CLICKS = 100;
const API_KEY = 'cluster-test-key';
const NORTHWIND_TENANT_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const NORTHWIND_SECRET = 'emulator-northwind-secret';
const TENANTS = [DEMO_TENANT_ID, FABRIKAM_TENANT_ID, NORTHWIND_TENANT_ID];
const channelOf = (tenantId: string) => `19:soc-${tenantId.slice(0, 8)}@thread.tacv2`;
const ALEX = { id: '29:alex', aadObjectId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c', name: 'Alex' };
const ALEX_CHAT = 'a:alex-chat';
const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const DEVICE = DEMO_DEVICE_IDS.financeLaptop07;
const LOG_DIR = path.resolve('artifacts/cluster');
// The instances inherit STORE_PARTITIONS from this process; the test's own store must read the
// layout they write (an unrouted reader sees nothing of a routed store, and the other way round).
const PARTITIONS = partitionsFrom(process.env);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await pause(100);
  }
}

/** The demo tenants file with SOC channels for all three tenants and no 1:1 contacts. */
async function writeTenantsFile(dir: string): Promise<string> {
  const demo = JSON.parse(await readFile(DEMO_TENANTS_FILE, 'utf8')) as {
    tenants: Record<string, unknown>[];
  };
  const [contoso, fabrikam] = demo.tenants;
  const soc = (tenantId: string) => [
    { teamId: '19:soc-team@thread.tacv2', channelId: channelOf(tenantId), name: 'Incidents' },
  ];
  const noContacts = { contacts: { primary: [], secondary: [] }, proactiveInstall: false };
  const tenants = [
    { ...contoso, ...noContacts, socChannels: soc(DEMO_TENANT_ID) },
    { ...fabrikam, ...noContacts, socChannels: soc(FABRIKAM_TENANT_ID) },
    {
      ...fabrikam,
      ...noContacts,
      tenantId: NORTHWIND_TENANT_ID,
      name: 'Northwind',
      socChannels: soc(NORTHWIND_TENANT_ID),
      defender: {
        credential: {
          kind: 'clientSecret',
          clientId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
          secretEnv: 'NORTHWIND_CLIENT_SECRET',
        },
      },
    },
  ];
  const file = path.join(dir, 'tenants.json');
  await writeFile(file, JSON.stringify({ tenants }, null, 2));
  return file;
}

function click(bot: ClusterBot, serviceUrl: string, n: number) {
  return fetch(`${bot.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `click-${n}`,
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: ALEX_CHAT, conversationType: 'personal', tenantId: DEMO_TENANT_ID },
      from: ALEX,
      recipient: { id: '28:bot', name: 'Managed Response' },
      channelData: { tenant: { id: DEMO_TENANT_ID } },
      value: {
        action: {
          type: 'Action.Execute',
          verb: 'runAction',
          data: { incidentId: INCIDENT, actionId: 'act-isolate' },
        },
        trigger: 'manual',
      },
    }),
  });
}

describe('two instances on one Azurite (STORE=tables, CLUSTER=lease)', function () {
  this.timeout(FULL ? 1_200_000 : 180_000);
  const azurite = useAzurite();
  let emulator: RunningEmulator;
  let connector: FakeBotConnector;
  let dir: string;
  let store: FlatStore;
  let env: Record<string, string>;
  const bots: ClusterBot[] = [];
  /** What was not delivered yet at the last look (for a failure's diagnosis). */
  let leftOver: Record<string, unknown> = {};

  before(async () => {
    emulator = await startEmulator({
      tls: await ensureDevCertificate('artifacts/tls'),
      demoAwaitingAfterMs: null,
      tenants: [
        ...demoTenants(),
        {
          tenantId: NORTHWIND_TENANT_ID,
          name: 'Northwind',
          apps: [
            { clientId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: NORTHWIND_SECRET },
          ],
        },
      ],
    });
    connector = await FakeBotConnector.start();
    dir = await mkdtemp(path.join(tmpdir(), 'mrb-cluster-'));
    const tableName = uniqueName('cluster');
    const storeSettings = {
      engine: 'tables' as const,
      connectionString: azurite().connectionString,
      accountUrl: undefined,
      tableName,
      retentionDays: 30,
      auditRetentionDays: 400,
      partitions: PARTITIONS,
    };
    store = await openStore({ dataDir: dir, store: storeSettings });
    // As if each conversation had sent the bot an activity once (what installation records).
    const registry = new ConversationRegistry(store);
    for (const tenantId of TENANTS) {
      const channel = connector.addConversation({
        id: channelOf(tenantId),
        tenantId,
        kind: 'channel',
        memberIds: [],
      });
      await registry.record({
        conversationId: channel.id,
        kind: 'channel',
        tenantId,
        channelId: channel.id,
        reference: connector.referenceFor(channel),
        updatedAt: new Date().toISOString(),
      });
    }
    connector.addConversation({
      id: ALEX_CHAT,
      tenantId: DEMO_TENANT_ID,
      kind: 'personal',
      memberIds: [ALEX.aadObjectId],
    });
    env = {
      DATA_DIR: dir,
      AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString,
      AZURE_STORAGE_TABLE: tableName,
      CLUSTER_LEASE_CONTAINER: uniqueName('leases'),
      CLUSTER_LEASE_SECONDS: String(LEASE_SECONDS),
      CLUSTER_POLL_SECONDS: '0.5',
      TENANTS_FILE: await writeTenantsFile(dir),
      DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
      NORTHWIND_CLIENT_SECRET: NORTHWIND_SECRET,
      GRAPH_BASE_URL: emulator.graphBaseUrl,
      MDE_BASE_URL: emulator.mdeBaseUrl,
      AZURE_AUTHORITY_HOST: emulator.authorityHost,
      POLL_INTERVAL_SECONDS: '1',
      EXPERTS_API_KEY: API_KEY,
      BUDGET_CARD_ACTIONS_PER_USER: '1000',
      BUDGET_CARD_ACTIONS_PER_TENANT: '1000',
    };
  });

  after(async function () {
    this.timeout(30_000);
    for (const bot of bots) bot.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await store?.close();
    await connector?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await mkdir(LOG_DIR, { recursive: true });
    for (const bot of bots) await writeFile(path.join(LOG_DIR, `${bot.name}.log`), bot.output());
    console.log(`      the instances' logs: ${LOG_DIR}; left over: ${JSON.stringify(leftOver)}`);
  });

  const start = async (name: string) => {
    const bot = await startClusterBot(name, env);
    bots.push(bot);
    return bot;
  };
  /** Each instance owns some tenants, none owned twice, all owned. */
  const shared = async (a: ClusterBot, b: ClusterBot) => {
    const [x, y] = await Promise.all([a.owned(), b.owned()]);
    const all = [...x, ...y];
    const ok =
      x.length > 0 && y.length > 0 && all.length === 3 && new Set(all).size === 3
        ? true
        : undefined;
    return ok && { [a.name]: x, [b.name]: y };
  };
  const list = async <T>(collection: string) =>
    (await store.list<T>(collection)).map((r) => r.value);

  it('delivers every notification through a SIGKILL mid-burst; the survivor takes over in time', async () => {
    const [a, b] = [await start('bot-a'), await start('bot-b')];
    for (const bot of [a, b]) {
      assert.match(
        bot.output(),
        new RegExp(`"partitions":"${PARTITIONS}".*"store: Azure Tables"`),
        `${bot.name} opened the store with another layout than STORE_PARTITIONS=${PARTITIONS}`,
      );
    }
    const split = await until('both instances to own a share', () => shared(a, b), 60_000);
    const victimTenants = split['bot-a']!;

    const victimMessages = () =>
      victimTenants.reduce((n, t) => n + connector.messages(channelOf(t)).length, 0);
    const before = victimMessages();
    const half = CHANGES_PER_TENANT / 2;
    const ids = (tenantIndex: number) =>
      Array.from({ length: half }, (_, i) => String(80_000_000 + tenantIndex * 10_000 + i));
    let killedAt = 0;
    let takeover: Promise<number> | undefined;
    for (let round = 0; round < CHANGES_PER_TENANT; round += 1) {
      if (round === half) {
        // Mid-burst: the victim is sending its tenants' cards right now.
        await until(
          'the victim to deliver part of the burst',
          async () => (victimMessages() >= before + 2 ? true : undefined),
          30_000,
        );
        a.child.kill('SIGKILL');
        killedAt = Date.now();
        await a.exited;
        takeover = until(
          'the survivor to own every tenant',
          async () => ((await b.owned()).length === 3 ? Date.now() - killedAt : undefined),
          (LEASE_SECONDS + 30) * 1000,
        );
        takeover.catch(() => undefined); // awaited below; not unhandled meanwhile
      }
      if (round >= half) {
        // A comment on an incident the watcher has not seen yet would come with its first sight
        // (one change, not two): each comment waits for its incident's card.
        const seen = (t: number) => `${TENANTS[t]}:${ids(t)[round - half]}:`;
        await until(
          'the cards of the incidents to comment on',
          async () => {
            const jobIds = (await list<DeliveryRecord>('deliveries')).map((r) => r.jobId);
            const all = TENANTS.every((_, t) =>
              jobIds.some((j) => j.startsWith(seen(t)) && j.includes(':soc:')),
            );
            return all || undefined;
          },
          FULL ? 600_000 : 120_000,
        );
      }
      TENANTS.forEach((tenantId, t) => {
        const id = ids(t)[round % half]!;
        if (round < half) {
          emulator.control.upsertIncident(tenantId, {
            id,
            displayName: `Burst incident ${id}`,
            severity: 'high',
            status: 'inProgress',
            assignedTo: 'Defender Experts',
          });
        } else {
          emulator.control.addComment(tenantId, id, `Update on ${id}`, 'Defender Experts');
        }
      });
      await pause(100);
    }

    const takeoverMs = await takeover!;
    console.log(`      takeover ${takeoverMs} ms after the SIGKILL (lease ${LEASE_SECONDS} s)`);
    assert.ok(takeoverMs <= (LEASE_SECONDS + 5) * 1000, `takeover took ${takeoverMs} ms`);

    // Every change planned and delivered: outbox, inbox and jobs empty, and for each burst
    // incident its SOC card and the threaded line of its comment.
    const delivered = await until(
      'every notification delivered',
      async () => {
        const [outbox, inbox, jobs] = await Promise.all([
          list('outbox'),
          list('deliveryInbox'),
          list('deliveryJobs'),
        ]);
        const records = await list<DeliveryRecord>('deliveries');
        leftOver = {
          outbox: outbox.length,
          inbox: inbox.length,
          jobs: (jobs as { status: string }[]).map((j) => j.status),
        };
        if (outbox.length + inbox.length + jobs.length > 0) return undefined;
        const missing = TENANTS.flatMap((tenantId, t) =>
          ids(t).flatMap((id) => {
            const mine = records.filter((r) => r.jobId.startsWith(`${tenantId}:${id}:`));
            const card = mine.some((r) => r.jobId.includes(':soc:'));
            const comment = mine.some((r) => /:commentAdded(:\d+)?:soc-step:/.test(r.jobId));
            return card && comment ? [] : [id];
          }),
        );
        leftOver.missing = missing;
        return missing.length === 0 ? records : undefined;
      },
      FULL ? 900_000 : 120_000,
    );
    const recorded = new Set(delivered.map((r) => r.activityId));
    const posted = TENANTS.flatMap((t) => connector.messages(channelOf(t)));
    for (const record of delivered.filter((r) => r.target.kind === 'conversation')) {
      assert.ok(
        posted.some((m) => m.id === record.activityId),
        `recorded delivery ${record.jobId} is not in Teams`,
      );
    }
    // A message Teams holds that no delivery record names was sent twice (its first copy's
    // answer was lost with the dead instance): at most one per conversation it was sending to.
    const duplicates = posted.filter((m) => !recorded.has(m.id));
    const bound = victimTenants.length;
    console.log(
      `      ${TENANTS.length * CHANGES_PER_TENANT} changes, ${delivered.length} deliveries, ` +
        `${posted.length} messages, ${duplicates.length} duplicate(s) (bound ${bound})`,
    );
    assert.ok(duplicates.length <= bound, `${duplicates.length} duplicates > ${bound}`);
    console.log(`      Teams 429s (retried): ${connector.stats().enforced429}`);
  });

  it('100 concurrent clicks spread over two instances start exactly one machine action', async () => {
    const survivor = bots[1]!;
    const back = await start('bot-c');
    await until('the new instance to take its share', () => shared(survivor, back), 60_000);
    const published = await fetch(
      `${survivor.base}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${INCIDENT}/managed-response`,
      {
        method: 'PUT',
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          summary: {
            headline: 'Credentials dumped on fin-laptop-07.',
            narrative: 'A renamed procdump read lsass.exe memory.',
            severity: 'high',
            potentialImpact: 'Lateral movement with the stolen credentials.',
          },
          actions: [
            {
              id: 'act-isolate',
              kind: 'isolateDevice',
              title: 'Isolate fin-laptop-07',
              description: 'Cut the laptop off the network.',
              device: { id: DEVICE, name: 'fin-laptop-07' },
            },
          ],
        }),
      },
    );
    assert.equal(published.status, 201, await published.text());
    const instances = [survivor, back];
    const answers = await Promise.all(
      Array.from({ length: CLICKS }, (_, n) =>
        click(instances[n % 2]!, connector.serviceUrl, n).then((r) => r.status),
      ),
    );
    assert.deepEqual(
      answers.filter((s) => s !== 200),
      [],
    );
    await pause(2_000); // a straggler would show by now
    const actions = emulator.control
      .listMachineActions(DEMO_TENANT_ID)
      .filter((m) => m.machineId === DEVICE);
    assert.equal(actions.length, 1, 'exactly one machine action in Defender');
  });
});
