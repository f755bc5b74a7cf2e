import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';

describe('development TLS certificate', () => {
  it('is trusted by fetch in the test process (run through scripts/run-mocha.ts)', async () => {
    const { cert, key } = await ensureDevCertificate('artifacts/tls');
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
