// A first poll of a tenant with 60 changed incidents, and a second tenant at once, through the
// app as buildApp assembles it (emulator → watcher → notification service → delivery engine →
// fake Bot Connector), on stores that refuse what Azure Tables refuses: the embedded store with
// STORE_STRICT_BATCHES' limit, and Azure Tables itself (Azurite). Every SOC card is posted once
// and no batch exceeds 100 ops.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../../src/app/build-app.ts';
import { openEmbeddedStore, openStore } from '../../../src/app/open-store.ts';
import { loadConfig, partitionsFrom } from '../../../src/config.ts';
import { DEMO_TENANTS_FILE } from '../../../src/defender-setup.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/emulator.ts';
import { TeamsRateGate } from '../../../src/delivery/teams-rate-gate.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import type { FlatStore } from '../../../src/store/flat-store.ts';
import { MAX_BATCH_OPS } from '../../../src/store/partitioned-store.ts';
import type { WriteOp } from '../../../src/store/store.ts';
import { uniqueName, useAzurite } from '../../fakes/azurite.ts';
import { FakeBotConnector, type FakeMessage } from '../../fakes/fake-bot-connector.ts';
import { localAdapter } from '../../delivery/teams-harness.ts';

const ALEX = '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c';
const CHANGED: Record<string, number> = { [DEMO_TENANT_ID]: 60, [FABRIKAM_TENANT_ID]: 20 };
const channelOf = (tenantId: string) => `19:soc-${tenantId}@thread.tacv2`;
const incidentIds = (tenantId: string) =>
  Array.from({ length: CHANGED[tenantId] ?? 0 }, (_, i) => String(7000 + i));

/** The demo tenants with a SOC channel each and no 1:1 contacts. */
async function writeTenantsFile(dir: string): Promise<string> {
  const demo = JSON.parse(await readFile(DEMO_TENANTS_FILE, 'utf8')) as {
    tenants: Record<string, unknown>[];
  };
  const tenants = demo.tenants.map((tenant) => ({
    ...tenant,
    contacts: { primary: [], secondary: [] },
    proactiveInstall: false,
    socChannels: [
      {
        teamId: '19:soc-team@thread.tacv2',
        channelId: channelOf(tenant.tenantId as string),
        name: 'Incidents',
      },
    ],
  }));
  const file = path.join(dir, 'tenants.json');
  await writeFile(file, JSON.stringify({ tenants }, null, 2));
  return file;
}

function cardJson(message: FakeMessage): string {
  return JSON.stringify(message.attachments?.[0]?.content ?? {});
}

describe('a first poll of 60 changed incidents, two tenants at once', function () {
  this.timeout(240_000);
  const azurite = useAzurite();
  let emulator: RunningEmulator;
  let dataDir: string;

  before(async () => {
    const tls = await ensureDevCertificate('artifacts/tls');
    emulator = await startEmulator({ tls, port: 0, demoAwaitingAfterMs: null });
    for (const tenantId of [DEMO_TENANT_ID, FABRIKAM_TENANT_ID]) {
      for (const id of incidentIds(tenantId)) {
        emulator.control.upsertIncident(tenantId, {
          id,
          displayName: `Scale incident ${id}`,
          severity: 'high',
          status: 'inProgress',
          assignedTo: 'Defender Experts',
        });
      }
    }
  });

  after(async () => {
    await emulator?.close();
  });

  beforeEach(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'first-poll-'))));
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  async function run(store: FlatStore): Promise<void> {
    const sizes: number[] = [];
    const batch = store.batch.bind(store);
    store.batch = (ops: WriteOp[]) => {
      sizes.push(ops.length);
      return batch(ops);
    };
    // Teams' pacing (3 posts in 2 s per channel) would make the 120 posts to one channel take 80 s:
    // it is tested elsewhere; here it is lifted, as the batches are what is tested.
    const connector = await FakeBotConnector.start({ limits: false });
    const unpaced = { points: 10_000, durationMs: 1_000 };
    const app = await buildApp(
      loadConfig({
        EMULATOR: 'off',
        TENANTS_FILE: await writeTenantsFile(dataDir),
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
        adapter: localAdapter(),
        teamsRateGate: new TeamsRateGate({ perConversation: [unpaced], perTenant: [unpaced] }),
      },
    );
    const { watcher, delivery } = app;
    const notifications = app.features.notifications.service;
    try {
      for (const tenantId of [DEMO_TENANT_ID, FABRIKAM_TENANT_ID]) {
        const channel = connector.addConversation({
          id: channelOf(tenantId),
          tenantId,
          kind: 'channel',
          memberIds: [ALEX],
        });
        await app.conversations.record({
          conversationId: channel.id,
          kind: 'channel',
          tenantId,
          reference: connector.referenceFor(channel),
          updatedAt: new Date().toISOString(),
        });
      }

      // The two tenants' commits share the outbox's global sequence counter, so a poll can lose
      // its compare-and-set retries to the other one; the watcher polls it again on its next
      // tick, and so does the test (from the groups already committed).
      for (let round = 1; ; round += 1) {
        const failed = (await watcher.pollAll()).filter((poll) => !poll.ok);
        if (failed.length === 0) break;
        if (round >= 5)
          assert.fail(`polls failing 5 times: ${failed.map((p) => p.tenantId).join(', ')}`);
      }
      while ((await notifications.processPending()) > 0);
      await delivery.drain();

      for (const tenantId of [DEMO_TENANT_ID, FABRIKAM_TENANT_ID]) {
        const roots = connector.messages(channelOf(tenantId)).filter((m) => !m.threadRootId);
        for (const id of incidentIds(tenantId)) {
          const cards = roots.filter((m) => cardJson(m).includes(`Scale incident ${id}"`));
          assert.equal(cards.length, 1, `SOC cards of ${tenantId}/${id}`);
        }
      }
      assert.deepEqual(await store.list('outbox'), []);
      assert.deepEqual(await store.list('deliveryInbox'), []);
      assert.deepEqual(await store.list('deliveryJobs'), []);
      assert.ok(Math.max(...sizes) <= MAX_BATCH_OPS, `largest batch ${Math.max(...sizes)} ops`);
      // The size proves the splitting only if the writes did not fit one batch: the delivery jobs
      // of these 80 incidents (about 4 ops each) take several full batches.
      const full = sizes.filter((n) => n === MAX_BATCH_OPS).length;
      assert.ok(full >= 2, `${full} full batches; sizes ${sizes.filter((n) => n > 20).join(', ')}`);
    } finally {
      await watcher.stop();
      await delivery.stop();
      await notifications.stop();
      await store.close();
      await connector.close();
    }
  }

  it('on the embedded store with Azure’s batch limit', async () => {
    await run(await openEmbeddedStore(dataDir, undefined, true));
  });

  it('on Azure Tables (Azurite)', async () => {
    const store = await openStore({
      dataDir,
      store: {
        engine: 'tables',
        connectionString: azurite().connectionString,
        accountUrl: undefined,
        tableName: uniqueName('firstpoll'),
        retentionDays: 30,
        auditRetentionDays: 400,
        partitions: partitionsFrom(process.env),
      },
    });
    await run(store);
  });
});
