// The adapter's own HTTP step (local mode): a card action without an action object is a 400 with
// an invoke error rather than a failed turn, and what code run in a turn prints with console.*
// becomes JSON log lines instead of reaching stdout.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Server } from 'restify';
import { buildApp } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { closeServer, listen } from '../../src/server.ts';
import { fakeDefender } from '../fakes/fake-defender.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';

describe('GuardedCloudAdapter', () => {
  let server: Server;
  let base: string;
  let connector: FakeBotConnector;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    connector = await FakeBotConnector.start({ limits: false });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const logger = createLogger({ level: 'debug' }, sink);
    const app = await buildApp(loadConfig({}), new MemoryStore(), {
      logger,
      defender: fakeDefender([]),
      extraFeatures: [
        {
          name: 'test',
          commands: [
            {
              name: 'noisy',
              description: 'prints like botbuilder does',
              async run() {
                console.error(new Error('printed from inside a turn'));
                console.log('a plain line', { with: 'an object' });
              },
            },
          ],
        },
      ],
    });
    server = app.server;
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  after(async () => {
    await closeServer(server);
    await connector.close();
  });

  const activity = (extra: Record<string, unknown>) => ({
    id: `act-${lines.length}`,
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    conversation: { id: 'a:guarded', conversationType: 'personal' },
    from: { id: '29:u', aadObjectId: '11111111-1111-1111-1111-111111111111' },
    recipient: { id: '28:bot' },
    channelData: { tenant: { id: '22222222-2222-2222-2222-222222222222' } },
    ...extra,
  });
  const post = (body: unknown) =>
    fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  for (const value of [
    7,
    'x',
    [],
    {},
    { action: null },
    { action: 'Action.Execute' },
    { action: {} },
  ]) {
    it(`answers a card action whose value is ${JSON.stringify(value)} with 400`, async () => {
      const res = await post(activity({ type: 'invoke', name: 'adaptiveCard/action', value }));
      assert.equal(res.status, 400);
      const body = (await res.json()) as { statusCode: number; type: string };
      assert.equal(body.statusCode, 400);
      assert.equal(body.type, 'application/vnd.microsoft.error');
      assert.equal(
        lines.some((l) => l.msg === 'unhandled error in turn'),
        false,
      );
    });
  }

  it("sends a turn's console output to the logger, not to stdout", async () => {
    let written = '';
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const capture = ((chunk: unknown) => {
      written += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
    let status: number;
    let outside = '';
    try {
      status = (await post(activity({ type: 'message', text: 'noisy' }))).status;
      const during = written;
      console.log('outside a request');
      outside = written.slice(during.length);
      written = during;
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    assert.equal(status, 200);
    assert.equal(written, '');
    const printed = lines.filter((l) => l.source === 'botbuilder');
    assert.equal(printed.length, 2, JSON.stringify(printed));
    assert.equal(printed[0]?.level, 50);
    assert.match(JSON.stringify(printed[0]?.err), /printed from inside a turn/);
    assert.equal(printed[1]?.level, 30);
    assert.match(String(printed[1]?.msg), /a plain line/);
    // Outside a request, console writes where it always did.
    assert.equal(outside, 'outside a request\n');
  });
});
