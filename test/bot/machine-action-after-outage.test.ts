// Exactly once across an outage longer than the action: the real start command (src/start.ts) as
// a child process, the Defender XDR emulator in this process so it outlives the bot, and a small
// HTTPS relay in front of its Defender for Endpoint API. When the bot asks Defender to isolate
// the device, the relay lets Defender take the request (the machine action exists) and, before
// the answer can reach the bot, SIGKILLs it: the action is stored In progress without Defender's
// id, as after a crash between Defender's 201 and the store write. The action then finishes
// while the bot is down (the emulator's clock moves past its duration), and a new bot process on
// the same DATA_DIR must recognise it instead of isolating the device a second time.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_TENANTS_FILE } from '../../src/defender-setup.ts';
import {
  DEMO_CLIENT_SECRET,
  DEMO_DEVICE_IDS,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_SECRET,
} from '../../src/emulator/demo-data.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.ts';
import { visibleTexts } from '../cards/card-nodes.ts';
import { freePort } from '../e2e/harness.ts';
import { botCommand } from '../fakes/bot-command.ts';

const INCIDENT = DEMO_INCIDENT_IDS.expertsInvestigating;
const DEVICE = DEMO_DEVICE_IDS.financeLaptop07;
const API_KEY = 'outage-test-key';
const ACTION_MS = 60_000;
const ALEX = { id: '29:alex', aadObjectId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c', name: 'Alex' };

interface Bot {
  base: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

/** Forwards to the emulator; `onIsolate` runs once Defender has answered an isolate request. */
async function startRelay(
  target: string,
  onIsolate: () => Promise<'forward' | 'drop'>,
): Promise<{ url: string; server: Server }> {
  const tls = await ensureDevCertificate('artifacts/tls');
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const isolate =
            req.method === 'POST' && /\/machines\/[^/]+\/isolate$/.test(req.url ?? '');
          const decide = isolate ? onIsolate() : Promise.resolve<'forward'>('forward');
          void decide.then((decision) => {
            if (decision === 'drop') {
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          });
        });
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

async function startBot(dataDir: string, env: Record<string, string>): Promise<Bot> {
  const port = await freePort();
  const child = spawn(process.execPath, botCommand(), {
    stdio: ['ignore', 'pipe', 'pipe'],
    // NODE_EXTRA_CA_CERTS (this process's, from run-mocha.ts) makes the emulator trusted.
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      EMULATOR: 'off',
      TENANTS_FILE: DEMO_TENANTS_FILE,
      DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
      AZURE_DISABLE_INSTANCE_DISCOVERY: 'true',
      EXPERTS_API_KEY: API_KEY,
      POLL_INTERVAL_SECONDS: '3600',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  // A guard against a start that hangs: loading the bot is seconds of CPU, many more when the
  // machine runs other lanes and jobs.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited early:\n${output}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // not in `bots` yet: afterEach would not stop it
      throw new Error(`bot did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, child, output: () => output, exited };
}

function invoke(bot: Bot, verb: string, data: Record<string, string>) {
  return fetch(`${bot.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `invoke-${verb}-${Date.now()}`,
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: 'a:alex-chat', conversationType: 'personal' },
      from: ALEX,
      recipient: { id: '28:bot', name: 'Managed Response' },
      channelData: { tenant: { id: DEMO_TENANT_ID } },
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  });
}

async function actionOf(bot: Bot): Promise<{ status: string; machineActionId?: string }> {
  const res = await fetch(
    `${bot.base}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${INCIDENT}/managed-response`,
    { headers: { 'x-api-key': API_KEY } },
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    managedResponse: { actions: { id: string; status: string; machineActionId?: string }[] };
  };
  const found = body.managedResponse.actions.find((a) => a.id === 'act-isolate');
  assert.ok(found);
  return found;
}

describe('a one-click action across an outage longer than the action (SIGKILL)', function () {
  this.timeout(180_000);
  let emulator: RunningEmulator;
  let relay: Server | undefined;
  let dataDir: string;
  let bots: Bot[] = [];
  let offsetMs = 0;

  beforeEach(async () => {
    offsetMs = 0;
    emulator = await startEmulator({
      tls: await ensureDevCertificate('artifacts/tls'),
      actionTimings: { toInProgressMs: ACTION_MS / 2, toFinalMs: ACTION_MS },
      demoAwaitingAfterMs: null,
      now: () => new Date(Date.now() + offsetMs),
    });
    dataDir = await mkdtemp(path.join(tmpdir(), 'mrb-outage-'));
    bots = [];
  });
  afterEach(async () => {
    for (const bot of bots) bot.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    relay?.close();
    relay = undefined;
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adopts the machine action Defender took before the crash: one isolation, card Completed', async () => {
    const victim: { bot?: Bot } = {};
    const started = await startRelay(emulator.url, async () => {
      const bot = victim.bot;
      if (!bot) return 'forward';
      victim.bot = undefined; // only the first isolate request
      bot.child.kill('SIGKILL');
      await bot.exited;
      return 'drop';
    });
    relay = started.server;
    const env = {
      GRAPH_BASE_URL: emulator.graphBaseUrl,
      AZURE_AUTHORITY_HOST: emulator.authorityHost,
      MDE_BASE_URL: `${started.url}/mde`,
    };
    const first = await startBot(dataDir, env);
    bots.push(first);
    victim.bot = first;

    const published = await fetch(
      `${first.base}/api/v1/tenants/${DEMO_TENANT_ID}/incidents/${INCIDENT}/managed-response`,
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
    const clicked = await invoke(first, 'runAction', {
      incidentId: INCIDENT,
      actionId: 'act-isolate',
    });
    assert.equal(clicked.status, 200);

    // Defender took it; the bot died before its answer arrived.
    await first.exited;
    assert.equal(first.child.signalCode, 'SIGKILL', first.output());
    const taken = emulator.control.listMachineActions(DEMO_TENANT_ID);
    assert.equal(taken.length, 1);
    // It finishes while the bot is down.
    offsetMs += ACTION_MS * 2;
    assert.equal(emulator.control.listMachineActions(DEMO_TENANT_ID)[0]?.status, 'Succeeded');

    const second = await startBot(dataDir, env);
    bots.push(second);
    let action = await actionOf(second);
    const deadline = Date.now() + 20_000;
    while (action.status === 'inProgress') {
      assert.ok(Date.now() < deadline, `still in progress:\n${second.output()}`);
      assert.equal(
        emulator.control.listMachineActions(DEMO_TENANT_ID).length,
        1,
        'a second isolation',
      );
      await new Promise((r) => setTimeout(r, 100));
      action = await actionOf(second);
    }
    const actions = emulator.control.listMachineActions(DEMO_TENANT_ID);
    assert.equal(actions.length, 1, 'exactly one machine action in Defender');
    assert.equal(action.status, 'completed');
    assert.equal(action.machineActionId, taken[0]?.id);

    const card = await invoke(second, 'refreshManagedResponse', { incidentId: INCIDENT });
    assert.equal(card.status, 200);
    const text = visibleTexts(((await card.json()) as { value: unknown }).value).join('\n');
    assert.match(text, /Completed/);
  });
});
