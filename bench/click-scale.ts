// Costs as data grows, in one run: for a store already holding 100, 1,000 and 10,000 incidents
// (snapshot, managed response and audit entries each, as the service keeps them), on each store
// engine the app ships (journaled lowdb, and Azure Tables on Azurite, STORE=tables):
//   - a one-record durable write, p50/p99;
//   - a card click's answer through the real pipeline (HTTP → restify → CloudAdapter → bot →
//     managed-response handlers), p50/p99, the clicks of bench/invoke-latency.ts's mix, and the
//     Isolate/Restrict clicks alone;
//   - a poll with one changed incident, p50/p99 (bench/scale-flow.ts);
//   - the drain time per event over `events` incident events (bench/scale-flow.ts);
// and the same invoke answered by a bare botbuilder bot (restify + CloudAdapter +
// ActivityHandler returning a card), the floor, with the ratios to 100 incidents and to the bare
// bot. Tables runs fewer clicks and events, and by default stops at 1,000 incidents: Azurite (a
// local emulator, one JavaScript process) answers a point read in time that grows with the
// partition (bench/store-tables.ts: 1.9 ms at 1,000 records, 19.8 ms at 10,000), so filling it
// with 10,000 incidents alone takes over six minutes here, and what it would measure is Azurite,
// not the bot or a storage account (single-digit ms point reads whatever the table holds).
//
//   node --import tsx bench/click-scale.ts [--sizes 100,1000,10000] [--clicks 300]
//     [--stores lowdb,tables] [--events 3000] [--polls 20]
//     [--tables-sizes 100,1000] [--tables-clicks 40] [--tables-events 100]
//     [--profile clicks.cpuprofile]   (CPU profiles of the clicks, and of the drain in
//                                      clicks-drain.cpuprofile, at the largest lowdb size only)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import restify from 'restify';
import { openEmbeddedStore, openStore } from '../src/app/open-store.ts';
import { partitionsFrom } from '../src/config.ts';
import { startAzurite, type RunningAzurite } from '../scripts/azurite.ts';
import { MAX_BATCH_OPS } from '../src/store/partitioned-store.ts';
import type { FlatStore } from '../src/store/flat-store.ts';
import { JournalStore } from '../src/store/journal-store.ts';
import { tenantKeyField } from '../src/store/tenant-key-rule.ts';
import { startEmulatorProcess } from './emulator-process.ts';
import { runTrusted } from './run-trusted.ts';
import {
  figures,
  prepareDrain,
  round,
  timeDrain,
  timeOneChangePolls,
  type Figures,
} from './scale-flow.ts';
import { DEMO_DEVICE_IDS, DEMO_INCIDENT_IDS, DEMO_TENANT_ID } from '../src/emulator/demo-data.ts';
import { AUDIT_COLLECTION } from '../src/features/managed-response/audit-trail.ts';
import {
  MANAGED_RESPONSES,
  managedResponseKey,
} from '../src/shared/managed-response-repository.ts';
import type { WriteOp } from '../src/store/store.ts';
import type { Incident } from '../src/domain/incident.ts';
import { snapshotWriteOps } from '../src/watcher/awaiting-index.ts';
import { SNAPSHOTS_COLLECTION } from '../src/watcher/incident-snapshots.ts';
import {
  invokeActivity,
  OPERATOR,
  READER,
  startStack,
  type Stack,
} from '../test/bot/managed-response-stack.ts';

await runTrusted(run);

type StoreKind = 'lowdb' | 'tables';

interface Plan {
  clicks: number;
  events: number;
  polls: number;
  writes: number;
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100,1000,10000' },
      clicks: { type: 'string', default: '300' },
      stores: { type: 'string', default: 'lowdb,tables' },
      events: { type: 'string', default: '3000' },
      polls: { type: 'string', default: '20' },
      'tables-sizes': { type: 'string', default: '100,1000' },
      'tables-clicks': { type: 'string', default: '40' },
      'tables-events': { type: 'string', default: '100' },
      profile: { type: 'string' },
      emulator: { type: 'string', default: 'process' },
    },
  });
  if (values.emulator !== 'process' && values.emulator !== 'in-process') {
    throw new Error('--emulator is process or in-process');
  }
  const emulatorApart = values.emulator === 'process';
  const sizesOf: Record<StoreKind, number[]> = {
    lowdb: values.sizes.split(',').map(Number),
    tables: values['tables-sizes'].split(',').map(Number),
  };
  const stores = values.stores.split(',') as StoreKind[];
  const polls = Number(values.polls);
  const plans: Record<StoreKind, Plan> = {
    lowdb: { clicks: Number(values.clicks), events: Number(values.events), polls, writes: 300 },
    tables: {
      clicks: Number(values['tables-clicks']),
      events: Number(values['tables-events']),
      polls,
      writes: 100,
    },
  };
  // Also measured beside each size's clicks (the row's ratio): the machine's load moves.
  const bare = await measureBareBot(plans.lowdb.clicks);
  const azurite = stores.includes('tables')
    ? await startAzurite({ inMemory: true, ports: 'free' })
    : undefined;
  const rows: Record<string, unknown>[] = [];
  try {
    for (const kind of stores) {
      const sizes = sizesOf[kind];
      for (const size of sizes) {
        const profile =
          kind === 'lowdb' && size === Math.max(...sizes) ? values.profile : undefined;
        rows.push(await measureAt(kind, size, plans[kind], azurite, emulatorApart, profile));
      }
    }
  } finally {
    await azurite?.stop();
  }
  console.log(
    `bare botbuilder bot, same invoke, at the start: p50 ${bare.p50} ms, p99 ${bare.p99} ms (each row: "bare p50 ms", measured right after its clicks)`,
  );
  for (const kind of stores) {
    const plan = plans[kind];
    console.log(
      `${kind} at ${sizesOf[kind].join(', ')} incidents: ${plan.writes} writes, ${plan.clicks} clicks (4 at a time), ${plan.polls} polls, ${plan.events} events drained per size`,
    );
  }
  if (stores.includes('tables')) {
    console.log(
      'tables: Azurite on this machine, fewer clicks and events; 10,000 incidents only with --tables-sizes (Azurite point reads grow with the partition, see the header)',
    );
  }
  console.table(rows);
  const ratios: Record<string, unknown> = {};
  for (const kind of stores) {
    const mine = rows.filter((r) => r.store === kind);
    const first = mine[0];
    const last = mine.at(-1);
    if (!first || !last) continue;
    const of = `${String(last.incidents)}/${String(first.incidents)}`;
    const grow = (field: string) => round(Number(last[field]) / Number(first[field]));
    ratios[kind] = {
      [`write p50 ${of}`]: grow('write p50 ms'),
      [`click p50 ${of}`]: grow('click p50 ms'),
      [`poll p50 ${of}`]: grow('poll p50 ms'),
      [`drain per event ${of}`]: grow('drain ms/event'),
      [`click p50 at ${String(first.incidents)} / bare bot p50`]: first['click p50 / bare'],
      [`click p50 at ${String(last.incidents)} / bare bot p50`]: last['click p50 / bare'],
    };
  }
  console.log(JSON.stringify(ratios, null, 1));
  console.log(
    'targets (lowdb): write, click and drain at 10,000 within 1.5x of 100; click p50 within 3x of the bare bot',
  );
}

async function openBenchStore(
  kind: StoreKind,
  dataDir: string,
  size: number,
  azurite: RunningAzurite | undefined,
): Promise<FlatStore> {
  if (kind === 'lowdb') return openEmbeddedStore(dataDir);
  if (!azurite) throw new Error('Azurite is not running');
  return openStore(
    {
      dataDir,
      store: {
        engine: 'tables',
        connectionString: azurite.connectionString,
        accountUrl: undefined,
        tableName: `clickscale${size}x${Date.now()}`,
        retentionDays: 30,
        auditRetentionDays: 400,
        partitions: partitionsFrom(process.env),
      },
    },
    undefined,
    // Azurite filling 10,000 incidents on a loaded machine can stall a request past the
    // production 10 s per attempt (it did); the bench waits rather than dying mid-run.
    { attemptTimeoutMs: 120_000 },
  );
}

async function measureAt(
  kind: StoreKind,
  size: number,
  plan: Plan,
  azurite: RunningAzurite | undefined,
  emulatorApart: boolean,
  profile?: string,
) {
  const dataDir = await mkdtemp(join(tmpdir(), 'click-scale-'));
  const store = await openBenchStore(kind, dataDir, size, azurite);
  const maxBatchOps = kind === 'tables' ? MAX_BATCH_OPS : 2000;
  const actionTimings = { toInProgressMs: 200, toFinalMs: 1000 };
  const emulator = emulatorApart
    ? await startEmulatorProcess({ actionTimings, demoAwaitingAfterMs: null })
    : undefined;
  const stack = await startStack({
    store,
    actionTimings,
    // Started actions are polled as the app polls them (2 s, backing off), not at the tests'
    // 20 ms: those polls were a load production does not have.
    poll: 'production',
    ...(emulator ? { externalEmulator: emulator } : {}),
  });
  try {
    const incidentId = DEMO_INCIDENT_IDS.expertsInvestigating;
    const { oneClick, manual } = await publish(stack, incidentId);
    let t = performance.now();
    // CPU time beside wall time: on a busy machine the wall time of a phase is mostly waiting
    // for other processes, while the CPU this process spent on it (clicks against the bare
    // bot's invokes, background work included) barely moves.
    // With the emulator in its own process, its CPU is printed beside (Defender's side of the
    // phase, not the bot's).
    let cpu = process.cpuUsage();
    let loop = performance.eventLoopUtilization();
    let emulatorCpu = (await emulator?.cpuMs()) ?? 0;
    const phase = async (name: string) => {
      const ms = Math.round(performance.now() - t);
      const used = process.cpuUsage(cpu);
      const cpuMs = Math.round((used.user + used.system) / 1000);
      const emulatorNow = (await emulator?.cpuMs()) ?? 0;
      const apart = emulator ? `, emulator process ${emulatorNow - emulatorCpu} ms` : '';
      // The main thread's busy share: below 1 while clicks are outstanding, they waited on
      // something other than this process's JavaScript (disk, timers, other processes).
      const busy = performance.eventLoopUtilization(loop).utilization.toFixed(2);
      console.error(
        `  ${kind}, ${size} incidents: ${name} in ${ms} ms (CPU ${cpuMs} ms${apart}, event loop busy ${busy})`,
      );
      loop = performance.eventLoopUtilization();
      emulatorCpu = emulatorNow;
      t = performance.now();
      cpu = process.cpuUsage();
    };
    await prefill(stack, size, maxBatchOps);
    // A steady state to measure from, as bench/store-engine.ts does: the prefill's checkpoint
    // (tens of thousands of records into shard files and daily logs) done, not running.
    if (store.engine instanceof JournalStore) await store.engine.checkpoint();
    await phase('prefill');
    const writes = await timeWrites(stack, plan.writes);
    await phase(`${plan.writes} writes`);
    // Before the clicks: their Defender calls use up the tenant's Graph quota, and a poll then
    // waits for it (the rate limit working, not a cost of the poll).
    const poll = await timeOneChangePolls(
      stack,
      plan.polls,
      emulator && ((id, status) => emulator.patchIncident(DEMO_TENANT_ID, id, { status })),
    );
    await phase(`${plan.polls} polls`);
    const mixed: number[] = [];
    const isolate: number[] = [];
    const clicks = mix(incidentId, oneClick, manual, plan.clicks);
    const profiler = profile ? await startProfile() : undefined;
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < clicks.length) {
          const { send, isolating } = clicks[next++]!;
          const t0 = performance.now();
          await send(stack);
          const ms = performance.now() - t0;
          mixed.push(ms);
          if (isolating) isolate.push(ms);
        }
      }),
    );
    await phase(`${plan.clicks} clicks`);
    const bare = await measureBareBot(plan.clicks);
    await phase(`${plan.clicks} bare-bot invokes`);
    if (profiler && profile) await writeFile(profile, JSON.stringify(await profiler()));
    // The started machine actions finish at Defender's pace (100 calls a minute per tenant),
    // which is not what this bench measures: they are stopped before the drain.
    await stack.feature.stop();
    const pending = await prepareDrain(stack, plan.events, maxBatchOps);
    await phase(`${pending} events written`);
    const drainProfiler = profile ? await startProfile() : undefined;
    const drain = await timeDrain(stack, pending);
    await phase(`${drain.events} events drained`);
    if (drainProfiler && profile) {
      await writeFile(
        profile.replace(/(\.cpuprofile)?$/, '-drain.cpuprofile'),
        JSON.stringify(await drainProfiler()),
      );
    }
    const click = figures(mixed);
    return {
      store: kind,
      incidents: size,
      'write p50 ms': writes.p50,
      'write p99 ms': writes.p99,
      'click p50 ms': click.p50,
      'click p99 ms': click.p99,
      'isolate click p50 ms': figures(isolate).p50,
      'poll p50 ms': poll.p50,
      'poll p99 ms': poll.p99,
      'drain ms/event': drain.perEventMs,
      'bare p50 ms': bare.p50,
      'click p50 / bare': round(click.p50 / bare.p50),
    };
  } finally {
    await stack.close();
    await emulator?.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function publish(stack: Stack, incidentId: string) {
  const oneClick = Object.entries(DEMO_DEVICE_IDS).map(([name, id], i) => ({
    id: `run-${i}`,
    kind: i % 2 === 0 ? 'isolateDevice' : 'restrictAppExecution',
    title: `Contain ${name}`,
    description: `Contain ${name} until the investigation ends.`,
    device: { id, name },
  }));
  const manual = Array.from({ length: 6 }, (_, i) => ({
    id: `manual-${i}`,
    kind: 'manual',
    title: `Manual step ${i + 1}`,
    description: 'Do the thing the experts asked for, then confirm it here.',
  }));
  const res = await stack.publish(incidentId, {
    summary: {
      headline: 'Credentials were dumped on fin-laptop-07 and reused on three servers.',
      narrative: 'A renamed procdump read lsass.exe memory; the account was then used over SMB.',
      severity: 'high',
      potentialImpact: 'Domain-wide compromise.',
    },
    actions: [...oneClick, ...manual],
  });
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
  return { oneClick, manual };
}

// Copies of real records (the demo incident's snapshot, managed response and audit entries)
// under other incident ids, as a tenant that has been served for a while has them.
async function prefill(stack: Stack, size: number, maxBatchOps: number): Promise<void> {
  const { store } = stack;
  const [snapshot] = await store.list<Incident>(SNAPSHOTS_COLLECTION);
  const [response] = await store.list<Record<string, unknown>>(MANAGED_RESPONSES);
  const audit = await store.list<Record<string, unknown>>(AUDIT_COLLECTION);
  if (!snapshot || !response) throw new Error('nothing to copy: publish first');
  let ops: WriteOp[] = [];
  for (let i = 0; i < size; i += 1) {
    const id = `9${String(i).padStart(7, '0')}`;
    // As the poll writes it: the snapshot with its awaiting-index entry, if it awaits.
    ops.push(...snapshotWriteOps(DEMO_TENANT_ID, undefined, { ...snapshot.value, id }));
    ops.push({
      kind: 'put',
      collection: MANAGED_RESPONSES,
      key: managedResponseKey(DEMO_TENANT_ID, id),
      value: { ...response.value, incidentId: id },
    });
    for (const [n, entry] of audit.slice(0, 3).entries()) {
      const at = new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000 + n).toISOString();
      // AuditTrail's layout (time~seq~random~tenant): routed, it lands in the tenant's partition.
      const key = `${at}~${id}~${n}~${tenantKeyField(DEMO_TENANT_ID)}`;
      const value = { ...entry.value, id: key, at, incidentId: id };
      ops.push({ kind: 'put', collection: AUDIT_COLLECTION, key, value });
    }
    if (ops.length + 6 > maxBatchOps) [ops] = [[], await store.batch(ops)];
  }
  if (ops.length > 0) await store.batch(ops);
}

async function timeWrites(stack: Stack, count: number): Promise<Figures> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await stack.store.put('benchWrites', `w${i}`, { i, at: new Date().toISOString() });
    times.push(performance.now() - t0);
  }
  return figures(times);
}

type Send = (stack: Stack) => Promise<unknown>;

function mix(
  incidentId: string,
  oneClick: { id: string }[],
  manual: { id: string }[],
  clicks: number,
): { send: Send; isolating: boolean }[] {
  return Array.from({ length: clicks }, (_, i) => {
    const ids = (actionId: string) => ({ incidentId, actionId });
    const pick = <T>(list: T[]) => list[Math.floor(i / 6) % list.length]!;
    const run = (verb: string, data: Record<string, string>, user = OPERATOR) => ({
      send: (s: Stack) => s.invoke(verb, data, user),
      isolating: verb === 'runAction' && user === OPERATOR,
    });
    switch (i % 6) {
      case 0:
        return run('refreshManagedResponse', { incidentId });
      case 1:
        return run('requestComplete', ids(pick(manual).id));
      case 2:
        return run('cancelConfirmation', ids(pick(manual).id));
      case 3:
        return run('runAction', ids(pick(oneClick).id));
      case 4:
        return run('confirmComplete', ids(pick(manual).id));
      default:
        return run('runAction', ids(pick(oneClick).id), READER);
    }
  });
}

// The floor: botbuilder's own cost for the same HTTP invoke, answered with a small card.
async function measureBareBot(clicks: number): Promise<Figures> {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' }),
  );
  class BareBot extends ActivityHandler {
    protected override onInvokeActivity(_context: TurnContext): Promise<InvokeResponse> {
      return Promise.resolve({
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.card.adaptive',
          value: {
            type: 'AdaptiveCard',
            version: '1.5',
            body: [{ type: 'TextBlock', text: 'Isolate device: In progress' }],
          },
        },
      });
    }
  }
  const bot = new BareBot();
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < clicks) {
        next += 1;
        const t0 = performance.now();
        const res = await fetch(`${base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(invokeActivity(`invoke-${next}`, 'runAction', {})),
        });
        await res.text();
        times.push(performance.now() - t0);
      }
    }),
  );
  server.close();
  return figures(times);
}

/** Starts the CPU profiler in this process; the returned function stops it and gives the profile. */
async function startProfile(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}
