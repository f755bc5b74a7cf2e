// The Azure Tables client's retries, configured once (src/store/tables/client-options.ts):
// transient answers and silent servers are retried, a bounded number of times. A proxy in front
// of Azurite plays the faults.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTablesStore } from '../../src/store/tables-store.ts';
import { devConnectionString } from '../../scripts/azurite.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';

type Fault = 'unavailable' | 'silent' | 'pass';

describe('TablesStore transport', function () {
  this.timeout(20_000);
  const azurite = useAzurite();
  let proxy: Server;
  let faults: Fault[];
  let attempts: number;

  beforeEach(async () => {
    faults = [];
    attempts = 0;
    proxy = createServer((req, res) => {
      attempts += 1;
      const fault = faults.shift() ?? 'pass';
      if (fault === 'silent') return; // never answers: the attempt times out
      if (fault === 'unavailable') {
        req.resume();
        // No chaining: restify, loaded by other test files, patches writeHead to return nothing.
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      const upstream = request(
        {
          host: '127.0.0.1',
          port: azurite().ports.table,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  const openThroughProxy = () => {
    const { port } = proxy.address() as AddressInfo;
    return openTablesStore({
      connectionString: devConnectionString('127.0.0.1', { ...azurite().ports, table: port }),
      tableName: uniqueName('transport'),
      transport: { maxRetries: 2, attemptTimeoutMs: 300 },
    });
  };

  it('retries a 503 and a silent attempt, then answers', async () => {
    const store = await openThroughProxy();
    await store.partition('t').put('c', 'k', 1);
    attempts = 0;
    faults = ['unavailable', 'silent'];
    assert.equal((await store.partition('t').get('c', 'k'))?.value, 1);
    assert.equal(attempts, 3);
    await store.close();
  });

  it('gives up after the configured retries', async () => {
    const store = await openThroughProxy();
    attempts = 0;
    faults = ['unavailable', 'unavailable', 'unavailable', 'unavailable'];
    await assert.rejects(
      store.partition('t').get('c', 'k'),
      (error: Error & { statusCode?: number }) => {
        assert.equal(error.statusCode, 503);
        return true;
      },
    );
    assert.equal(attempts, 3);
    await store.close();
  });
});
