import assert from 'node:assert/strict';
import type { Server } from 'restify';
import { closeServer, createServer, listen, type ServerDeps } from '../../src/server.ts';
import { createLogger } from '../../src/platform/logger.ts';

async function start(
  overrides: Partial<ServerDeps> = {},
): Promise<{ server: Server; base: string }> {
  const server = createServer({
    logger: createLogger({ level: 'silent' }),
    processActivity: (_req, res) => {
      res.send(200, { handled: true });
      return Promise.resolve();
    },
    readiness: () => Promise.resolve({ ready: true, checks: { store: { ok: true } } }),
    ...overrides,
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { server, base: `http://127.0.0.1:${port}` };
}

const validActivity = {
  type: 'message',
  id: 'a1',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:1/',
  conversation: { id: 'c1' },
  from: { id: 'u1' },
  text: 'hi',
};

describe('createServer', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await closeServer(server);
  });

  it('answers /healthz 200', async () => {
    const s = await start();
    server = s.server;
    const res = await fetch(`${s.base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('answers /readyz 503 when a check fails, and 200 when all pass', async () => {
    let ready = false;
    const s = await start({
      readiness: () => Promise.resolve({ ready, checks: { store: { ok: ready } } }),
    });
    server = s.server;
    assert.equal((await fetch(`${s.base}/readyz`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${s.base}/readyz`)).status, 200);
  });

  it('answers /readyz 503 when the check throws', async () => {
    const s = await start({ readiness: () => Promise.reject(new Error('disk gone')) });
    server = s.server;
    const res = await fetch(`${s.base}/readyz`);
    assert.equal(res.status, 503);
    assert.equal(JSON.stringify(await res.json()).includes('disk gone'), false);
  });

  for (const [name, body] of [
    ['{}', '{}'],
    ['not json', 'not json'],
    ['a JSON array', '[1,2]'],
    [
      'an activity without conversation',
      JSON.stringify({ type: 'message', channelId: 'x', serviceUrl: 'y' }),
    ],
  ] as const) {
    it(`answers 400 with a JSON error to ${name} on /api/messages`, async () => {
      let called = false;
      const s = await start({
        processActivity: (_req, res) => {
          called = true;
          res.send(200);
          return Promise.resolve();
        },
      });
      server = s.server;
      const res = await fetch(`${s.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(res.status, 400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      assert.ok(json.error.message.length > 0);
      assert.equal(called, false);
    });
  }

  it('passes a valid activity to the adapter', async () => {
    const s = await start();
    server = s.server;
    const res = await fetch(`${s.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validActivity),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { handled: true });
  });

  it('answers 500 without internals when the adapter throws', async () => {
    const s = await start({
      processActivity: () => Promise.reject(new Error('secret stack detail')),
    });
    server = s.server;
    const res = await fetch(`${s.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validActivity),
    });
    assert.equal(res.status, 500);
    assert.equal((await res.text()).includes('secret stack detail'), false);
  });

  it('refuses an oversized body with 413', async () => {
    const s = await start({ maxBodyBytes: 1000 });
    server = s.server;
    const res = await fetch(`${s.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...validActivity, text: 'x'.repeat(5000) }),
    });
    assert.equal(res.status, 413);
  });
});
