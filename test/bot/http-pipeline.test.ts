// The real pipeline: restify server → CloudAdapter → bot, with a capturing Bot Connector.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { Writable } from 'node:stream';
import type { Server } from 'restify';
import { buildApp } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { closeServer, listen } from '../../src/server.ts';
import { fakeDefender } from '../fakes/fake-defender.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

describe('HTTP pipeline with CloudAdapter', () => {
  let server: Server;
  let connector: HttpServer;
  let base: string;
  let serviceUrl: string;
  const posted: { path: string; body: { text?: string } }[] = [];
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    connector = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        posted.push({ path: req.url ?? '', body: JSON.parse(body || '{}') as { text?: string } });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `m${posted.length}` }));
      });
    });
    await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(connector.address() as { port: number }).port}/`;

    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        }
        cb();
      },
    });
    const logger = createLogger({ level: 'info' }, sink);
    const config = loadConfig({ MicrosoftAppPassword: 'super-secret-password' });
    const app = await buildApp(config, new MemoryStore(), {
      logger,
      defender: fakeDefender([]),
      extraFeatures: [
        {
          name: 'test',
          commands: [
            {
              name: 'boom',
              description: 'fails',
              async run() {
                throw new Error('internal detail: db password=hunter2');
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
    connector.close();
  });

  function activity(id: string, text: string) {
    return {
      type: 'message',
      id,
      text,
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: 'a:chat-1', conversationType: 'personal' },
      from: { id: '29:u', aadObjectId: '11111111-1111-1111-1111-111111111111', name: 'U' },
      recipient: { id: '28:bot' },
      channelData: { tenant: { id: '22222222-2222-2222-2222-222222222222' } },
    };
  }

  async function post(body: unknown) {
    return fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('answers a message through the connector', async () => {
    const res = await post(activity('act-help', 'help'));
    assert.equal(res.status, 200);
    assert.ok(posted.some((p) => p.path.includes('/v3/conversations/a%3Achat-1/activities')));
  });

  it('reports a failing turn to the user without internals, and logs it with the activity id', async () => {
    posted.length = 0;
    const res = await post(activity('act-boom', 'boom'));
    // onTurnError handled it and told the user, so Teams must not retry the activity.
    assert.equal(res.status, 200);
    assert.equal((await res.text()).includes('hunter2'), false);
    assert.equal(posted.length, 1);
    assert.match(posted[0]!.body.text ?? '', /something went wrong on my side/);
    assert.equal(JSON.stringify(posted).includes('hunter2'), false);
    const errorLine = logLines.find((l) => l.msg === 'unhandled error in turn');
    assert.equal(errorLine?.activityId, 'act-boom');
  });

  it('puts the activity id on every log line of a turn and never logs the app password', () => {
    const turnLines = logLines.filter((l) => l.conversationId === 'a:chat-1');
    assert.ok(turnLines.length >= 2);
    for (const line of turnLines)
      assert.ok(typeof line.activityId === 'string', JSON.stringify(line));
    assert.equal(JSON.stringify(logLines).includes('super-secret-password'), false);
  });

  it('answers an invoke without value with 400, not 500', async () => {
    const res = await post({
      ...activity('act-invoke', ''),
      type: 'invoke',
      name: 'adaptiveCard/action',
    });
    assert.equal(res.status, 400);
  });
});
