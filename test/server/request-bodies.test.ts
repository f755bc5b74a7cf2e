// Request bodies are refused by type and size before anything parses or stores them, so before
// authentication: a 10 MB multipart upload used to land in the temp folder through restify's
// bodyParser (formidable) and stay there. Run against the whole app in local mode and with
// MicrosoftAppId set; os.tmpdir() is pointed at an empty folder of this test's own, so other
// processes on the machine cannot disturb the "unchanged" check.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import { startInProcessApp, type InProcessApp } from '../fakes/in-process-app.ts';

const MB = 1024 * 1024;
const boundary = '----mrb-test-boundary';

function multipart(size: number): Buffer {
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(head), Buffer.alloc(size, 0x61), Buffer.from(tail)]);
}

interface Sent {
  status: number;
  body: string;
}

/** A raw request; a server that answers before reading the whole body is fine. */
function send(
  base: string,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body: Buffer | Buffer[],
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${pathname}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close once it has answered; the answer still arrived.
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    const parts = Array.isArray(body) ? body : [body];
    for (const part of parts) req.write(part);
    req.end();
  });
}

const bodyPaths = [
  ['POST', '/api/messages'],
  ['PUT', `/api/v1/tenants/${DEMO_TENANT_ID}/incidents/2972402/managed-response`],
  ['POST', `/api/v1/tenants/${DEMO_TENANT_ID}/incidents/2972402/updates`],
] as const;

for (const mode of ['local mode', 'MicrosoftAppId set'] as const) {
  describe(`request bodies before authentication (${mode})`, function () {
    this.timeout(30_000);
    let app: InProcessApp;
    let watched: string;
    let savedTmp: string | undefined;

    before(async () => {
      app = await startInProcessApp(
        mode === 'local mode'
          ? {}
          : {
              MicrosoftAppId: 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff',
              MicrosoftAppPassword: 'unused',
              // Nothing here may reach for the keys: refused before authentication.
              BOT_OPENID_METADATA_URL: 'http://127.0.0.1:9/metadata',
              BOT_EMULATOR_OPENID_METADATA_URL: 'http://127.0.0.1:9/metadata',
            },
      );
    });
    after(() => app.dispose());
    beforeEach(async () => {
      watched = await mkdtemp(path.join(tmpdir(), 'mrb-watched-tmp-'));
      savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = watched;
      assert.equal(tmpdir(), watched);
    });
    afterEach(async () => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      await rm(watched, { recursive: true, force: true });
    });

    it('refuses a 10 MB multipart upload with 415 and writes nothing to the temp folder', async () => {
      const upload = multipart(10 * MB);
      for (const [method, pathname] of bodyPaths) {
        const res = await send(
          app.base,
          method,
          pathname,
          {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(upload.length),
          },
          upload,
        );
        assert.deepEqual(await readdir(watched), [], `${method} ${pathname} left files behind`);
        assert.equal(res.status, 415, `${method} ${pathname}: ${res.body}`);
        assert.equal(JSON.parse(res.body).error.code, 'UnsupportedMediaType');
      }
      // Streamed without a length, too.
      const chunked = await send(
        app.base,
        'POST',
        '/api/messages',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        [upload.subarray(0, 5 * MB), upload.subarray(5 * MB)],
      );
      assert.equal(chunked.status, 415);
      assert.deepEqual(await readdir(watched), []);
    });

    it('refuses every body type but JSON with 415', async () => {
      const types = [
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/octet-stream',
        'application/xml',
        'application/json; charset=utf-16',
        'application/jsonp',
        '',
      ];
      for (const type of types) {
        for (const [method, pathname] of bodyPaths) {
          const body = Buffer.from(type.includes('form') ? 'a=1&b=2' : '{"type":"message"}');
          const res = await send(
            app.base,
            method,
            pathname,
            { ...(type ? { 'content-type': type } : {}), 'content-length': String(body.length) },
            body,
          );
          assert.equal(res.status, 415, `${type || '(no type)'} → ${method} ${pathname}`);
        }
      }
      const gzipped = await send(
        app.base,
        'POST',
        '/api/messages',
        { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': '4' },
        Buffer.from([0x1f, 0x8b, 0, 0]),
      );
      assert.equal(gzipped.status, 415);
      assert.deepEqual(await readdir(watched), []);
    });

    it('refuses a body over the limit with 413, declared or streamed, before authentication', async () => {
      const big = Buffer.from(JSON.stringify({ type: 'message', text: 'x'.repeat(10 * MB) }));
      for (const [method, pathname] of bodyPaths) {
        const declared = await send(
          app.base,
          method,
          pathname,
          { 'content-type': 'application/json', 'content-length': String(big.length) },
          big,
        );
        assert.equal(declared.status, 413, `${method} ${pathname}`);
        assert.equal(JSON.parse(declared.body).error.code, 'PayloadTooLarge');
        const streamed = await send(
          app.base,
          method,
          pathname,
          { 'content-type': 'application/json; charset=utf-8' },
          [big.subarray(0, 4 * MB), big.subarray(4 * MB)],
        );
        assert.equal(streamed.status, 413, `${method} ${pathname} (chunked)`);
      }
      // The Experts API's own limit (256 KiB) applies before its token is checked, too.
      const medium = Buffer.from(JSON.stringify({ text: 'x'.repeat(300 * 1024) }));
      const [, updates] = bodyPaths[2];
      const res = await send(
        app.base,
        'POST',
        updates,
        { 'content-type': 'application/json', 'content-length': String(medium.length) },
        medium,
      );
      assert.equal(res.status, 413);
      assert.deepEqual(await readdir(watched), []);
    });

    it('still takes JSON (with a charset) and answers malformed JSON with 400 without echoing it', async () => {
      const secretish = Buffer.from('{"type": "message", "text": s3cr3t-value}');
      const res = await send(
        app.base,
        'POST',
        '/api/messages',
        {
          'content-type': 'Application/JSON; Charset="UTF-8"',
          'content-length': String(secretish.length),
        },
        secretish,
      );
      assert.equal(res.status, 400);
      assert.doesNotMatch(res.body, /s3cr3t/);
      const health = await fetch(`${app.base}/healthz`);
      assert.equal(health.status, 200);
    });
  });
}
