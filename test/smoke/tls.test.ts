import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { readFile } from 'node:fs/promises';

describe('development TLS certificate', () => {
  it('is trusted by fetch in the test process', async () => {
    const certPath = process.env.NODE_EXTRA_CA_CERTS;
    assert.ok(certPath, 'NODE_EXTRA_CA_CERTS must be set by scripts/run-mocha.ts');
    const cert = await readFile(certPath, 'utf8');
    const key = await readFile(certPath.replace('emulator-cert.pem', 'emulator-key.pem'), 'utf8');
    const server = createServer({ cert, key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const res = await fetch(`https://127.0.0.1:${port}/`);
      assert.equal(await res.text(), 'ok');
      const res2 = await fetch(`https://localhost:${port}/`);
      assert.equal(res2.status, 200);
    } finally {
      server.close();
    }
  });
});
