// The chat relay after a crash: a child process relays a customer's burst to the experts' thread
// and is SIGKILLed mid-burst; a fresh stack on the same lowdb file must deliver every accepted
// message, in order, re-sending only what was in flight (the contract in delivery-engine.ts).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install } from '../../delivery/teams-harness.ts';
import { FakeBotConnector, type FakeConversation } from '../../fakes/fake-bot-connector.ts';
import {
  ALEX,
  CONTOSO,
  CONTOSO_INCIDENT,
  EXPERTS_TENANT,
  experts,
  incidentOf,
} from './chat-fixture.ts';
import {
  chatWithExpertsInvoke,
  startChatStack,
  teamsMessage,
  type ChatStack,
} from './chat-stack.ts';

const ALEX_FROM = { id: '29:alex', name: 'Alex Wilber', aadObjectId: ALEX };
const PREFIX = '**Alex Wilber (Contoso):** ';
const incidents = [incidentOf(CONTOSO, CONTOSO_INCIDENT, 'Ransomware on prod-server-01')];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chat relay after a crash (SIGKILL) in the middle of a burst', function () {
  this.timeout(150_000);
  let connector: FakeBotConnector;
  let dataDir: string;
  let stack: ChatStack | undefined;
  let worker: ChildProcess | undefined;

  beforeEach(async () => {
    connector = await FakeBotConnector.start();
    dataDir = await mkdtemp(join(tmpdir(), 'chat-crash-'));
  });
  afterEach(async () => {
    worker?.kill('SIGKILL');
    worker = undefined;
    await stack?.close().catch(() => undefined);
    stack = undefined;
    await connector.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Replies in the incident's experts thread, in the order Teams stored them. */
  function expertsThread(channel: FakeConversation): string[] {
    const all = connector.messages(channel.id);
    const headers = all.filter((m) => m.threadRootId === undefined && m.attachments?.length);
    assert.ok(headers.length <= 1, `${headers.length} thread headers`);
    const header = headers[0];
    if (!header) return [];
    return all
      .filter((m) => m.threadRootId === header.id && m.text?.startsWith(PREFIX))
      .map((m) => (m.text ?? '').slice(PREFIX.length));
  }

  it('delivers every accepted message once, in order, re-sending only the in-flight one', async () => {
    // Setup as a first bot process would leave it: both conversations known, Alex bound.
    stack = await startChatStack({ connector, dataDir, incidents });
    const alexChat = await install(connector, stack.registry, {
      tenantId: CONTOSO,
      kind: 'personal',
      memberIds: [ALEX],
    });
    const channel = connector.addConversation({
      id: experts.channelId,
      tenantId: EXPERTS_TENANT,
      kind: 'channel',
      memberIds: [],
    });
    await stack.registry.record({
      conversationId: channel.id,
      kind: 'channel',
      tenantId: EXPERTS_TENANT,
      channelId: channel.id,
      reference: connector.referenceFor(channel),
      updatedAt: new Date().toISOString(),
    });
    const fromAlex = (text: string) =>
      teamsMessage(connector, { conversation: alexChat }, ALEX_FROM, text);
    assert.equal(
      (await stack.post(chatWithExpertsInvoke(fromAlex(''), CONTOSO_INCIDENT))).status,
      200,
    );
    await stack.close();
    stack = undefined;

    const sent = Array.from({ length: 10 }, (_, i) => `message ${i + 1}`);
    const activities = sent.map((text) => fromAlex(text));
    const burstFile = join(dataDir, 'burst.json');
    await writeFile(burstFile, JSON.stringify(activities));

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures', 'chat-worker.ts'),
        dataDir,
        connector.serviceUrl,
        burstFile,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    worker = child;
    child.stdin.on('error', () => undefined); // EPIPE once it is dead: the exit tells us
    let accepted = 0;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      accepted = output.split('\n').filter((line) => line.startsWith('accepted ')).length;
    });
    const allow = (count: number) => child.stdin.write('go\n'.repeat(count));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const early = exited.then((code) => assert.fail(`the worker exited early (${String(code)})`));
    const until = async (what: string, condition: () => boolean) => {
      // A guard against a hang: the worker spends seconds of CPU loading the stack first,
      // many more when the machine runs other lanes and jobs.
      const deadline = Date.now() + 60_000;
      while (!condition()) {
        assert.ok(Date.now() < deadline, `still waiting for ${what}`);
        await Promise.race([pause(5), early]);
      }
    };
    // The burst starts; once replies reach the thread, Teams takes the next one but its answer
    // never reaches the bot before it dies: that job is in flight and its message is in the
    // thread. The thread is blocked behind it, so the messages accepted meanwhile wait in the
    // store. The last three are never posted to this process.
    allow(4);
    await until('two replies in the thread', () => expertsThread(channel).length >= 2);
    connector.holdResponses({ operation: 'send', conversationId: channel.id });
    allow(3);
    const [held] = await Promise.race([connector.waitForHeld(1), early]);
    await until('seven messages accepted', () => accepted === 7);
    await pause(50); // let the customer's chat have calls in flight too
    child.kill('SIGKILL');
    await exited;
    connector.releaseHeld();
    const reachedTeams = new Set(expertsThread(channel));
    const heldText = (held?.text ?? '').slice(PREFIX.length);
    assert.ok(reachedTeams.has(heldText), `held: ${held?.text}`);

    stack = await startChatStack({ connector, dataDir, incidents });
    const toThread = (await stack.engine.listJobs()).filter(
      (j) =>
        j.job.operation.kind === 'send' &&
        j.job.target.kind === 'conversation' &&
        j.job.target.conversationId.startsWith(channel.id),
    );
    const textOf = (j: (typeof toThread)[number]) =>
      (j.job.operation.activity.text ?? '').slice(PREFIX.length);
    const inFlight = toThread.filter((j) => j.status === 'inFlight').map(textOf);
    // Accepted messages were still waiting behind the in-flight one (6 and 7 at least).
    assert.ok(toThread.length >= 3, `only ${toThread.length} jobs left`);

    // The rest of the burst reaches the new process.
    for (const activity of activities.slice(accepted)) {
      assert.equal((await stack.post(activity)).status, 200);
    }
    await stack.settle();

    // The documented bound, exactly: a reply shows twice iff its job was in flight at the crash
    // and its request had reached Teams; the held one is such a job by construction. The engine
    // sends one call at a time per target, so the thread has at most one job in flight.
    const duplicated = inFlight.filter((text) => reachedTeams.has(text));
    assert.deepEqual(inFlight, [heldText]);
    assert.deepEqual(duplicated, [heldText]);
    assert.deepEqual(
      expertsThread(channel),
      sent.flatMap((text) => (duplicated.includes(text) ? [text, text] : [text])),
    );
    assert.deepEqual(await stack.feature.relay.store.listPending(), []);
    assert.deepEqual(await stack.engine.listJobs(), []);
  });
});
