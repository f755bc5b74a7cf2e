// Tenant ownership through Blob leases, on Azurite: shares, clean handover, takeover after a
// SIGKILL, and safety when an instance is cut off from storage. Ownership is sampled from every
// instance all along: no tenant may ever be owned by two at once. Lease times are real (Azurite
// counts them), so the takeover tests wait for a 15 s lease to lapse.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import type { LeaseOwnership } from '../../src/cluster/lease-ownership.ts';
import { openLeaseOwnership } from '../../src/cluster/open-lease-ownership.ts';
import type { OwnershipLossReason } from '../../src/cluster/ownership.ts';
import { devConnectionString } from '../../scripts/azurite.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';

const LEASE_SECONDS = 15;
const POLL_MS = 200;
const TENANTS = ['contoso', 'fabrikam', 'northwind', 'tailspin'];

interface Change {
  instance: string;
  event: 'gained' | 'lost';
  tenant: string;
  reason?: OwnershipLossReason;
  at: number;
}

const until = async (what: string, check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('LeaseOwnership on Azurite', function () {
  this.timeout(60_000);
  const azurite = useAzurite();
  let containerName: string;
  let instances: LeaseOwnership[];
  let changes: Change[];
  let overlaps: string[];
  let sampler: NodeJS.Timeout | undefined;

  const open = async (name: string, connectionString = azurite().connectionString) => {
    const ownership = await openLeaseOwnership({
      connectionString,
      containerName,
      tenants: TENANTS,
      instanceId: name,
      leaseSeconds: LEASE_SECONDS,
      pollEveryMs: POLL_MS,
    });
    ownership.subscribe({
      gained: (tenant) =>
        void changes.push({ instance: name, event: 'gained', tenant, at: Date.now() }),
      lost: (tenant, reason) =>
        void changes.push({ instance: name, event: 'lost', tenant, reason, at: Date.now() }),
    });
    instances.push(ownership);
    return ownership;
  };
  /** Samples owns() of every in-process instance every 10 ms. */
  const sample = () => {
    sampler = setInterval(() => {
      for (const tenant of TENANTS) {
        const owners = instances.filter((i) => i.owns(tenant)).map((i) => i.instanceId);
        if (owners.length > 1) overlaps.push(`${tenant}: ${owners.join(', ')}`);
      }
    }, 10);
  };
  const owned = (i: LeaseOwnership) => i.owned().sort();

  beforeEach(() => {
    containerName = uniqueName('leases');
    instances = [];
    changes = [];
    overlaps = [];
  });
  afterEach(async () => {
    clearInterval(sampler);
    await Promise.all(instances.map((i) => i.stop()));
  });

  it('gives every tenant to the only instance', async () => {
    const a = await open('a');
    await a.start();
    assert.deepEqual(owned(a), [...TENANTS].sort());
    assert.deepEqual(
      changes.map((c) => `${c.event} ${c.tenant}`).sort(),
      TENANTS.map((t) => `gained ${t}`).sort(),
    );
  });

  it('shares tenants fairly with a second instance, and hands them back at once on stop', async () => {
    sample();
    const a = await open('a');
    await a.start();
    const b = await open('b');
    await b.start();
    await until('a fair share each', () => owned(a).length === 2 && owned(b).length === 2, 5_000);
    assert.deepEqual([...owned(a), ...owned(b)].sort(), [...TENANTS].sort());
    const handedOver = owned(b);
    // b's work on a tenant stops (its `lost` listener) before a can gain it.
    const stoppedAt = Date.now();
    await b.stop();
    await until(
      'a to own everything',
      () => owned(a).length === TENANTS.length,
      2 * POLL_MS + 1_000,
    );
    const takenAt = Math.max(
      ...changes.filter((c) => c.instance === 'a' && c.event === 'gained').map((c) => c.at),
    );
    assert.ok(takenAt - stoppedAt < 2_000, `handover took ${takenAt - stoppedAt} ms`);
    for (const tenant of handedOver) {
      const lostByB = changes.find(
        (c) => c.instance === 'b' && c.tenant === tenant && c.event === 'lost',
      );
      const gainedByA = changes.findLast(
        (c) => c.instance === 'a' && c.tenant === tenant && c.event === 'gained',
      );
      assert.equal(lostByB?.reason, 'released');
      assert.ok(lostByB && gainedByA && lostByB.at <= gainedByA.at);
    }
    assert.deepEqual(overlaps, []);
  });

  it('takes over the tenants of a SIGKILLed instance within the lease time and one poll', async () => {
    const child = startChild();
    const childChanges: Change[] = [];
    const started = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the child instance exited (${code})`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const message = JSON.parse(line) as Omit<Change, 'event'> & {
          event: Change['event'] | 'started';
        };
        if (message.event === 'started') resolve();
        else childChanges.push({ ...message, event: message.event, instance: 'child' });
      });
    });
    await started;
    sample();
    const a = await open('a');
    await a.start();
    await until('a fair share', () => owned(a).length === 2, 5_000);
    const childOwned = TENANTS.filter((t) => !a.owns(t));
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(
      'a to take over',
      () => owned(a).length === TENANTS.length,
      (LEASE_SECONDS + 5) * 1_000,
    );
    const takeover = changes.filter((c) => c.instance === 'a' && childOwned.includes(c.tenant));
    const lastGain = Math.max(...takeover.map((c) => c.at));
    assert.ok(
      lastGain - killedAt <= LEASE_SECONDS * 1_000 + POLL_MS + 1_000,
      `${lastGain - killedAt} ms`,
    );
    // The dead instance owned its tenants until it died, and a gained none of them before.
    for (const tenant of childOwned) {
      const childHeld = childChanges.filter((c) => c.tenant === tenant);
      assert.equal(childHeld.at(-1)?.event, 'gained', `${tenant}: ${JSON.stringify(childHeld)}`);
      const gained = takeover.filter((c) => c.tenant === tenant && c.event === 'gained');
      assert.ok(gained.every((c) => c.at > killedAt));
    }
    assert.deepEqual(overlaps, []);
  });

  it("stops a tenant's work on an instance cut off from storage before another can start it", async () => {
    const proxy = await blackHoleProxy(azurite().ports.blob);
    try {
      sample();
      const cut = await open(
        'cut',
        devConnectionString('127.0.0.1', { ...azurite().ports, blob: proxy.port }),
      );
      await cut.start();
      assert.equal(owned(cut).length, TENANTS.length);
      const other = await open('other');
      await other.start();
      await until(
        'a fair share',
        () => owned(cut).length === 2 && owned(other).length === 2,
        5_000,
      );
      const cutOwned = owned(cut);
      proxy.cut();
      const cutAt = Date.now();
      const losses = () =>
        changes.filter((c) => c.instance === 'cut' && c.event === 'lost' && c.at >= cutAt);
      await until(
        'the cut instance to stop its tenants',
        () => losses().length === cutOwned.length,
        LEASE_SECONDS * 1_000,
      );
      assert.deepEqual(owned(cut), []);
      assert.deepEqual(
        losses().map((c) => c.reason),
        cutOwned.map(() => 'renewal-overdue'),
      );
      const stoppedAt = Math.max(...losses().map((c) => c.at));
      assert.ok(
        stoppedAt - cutAt <= (LEASE_SECONDS / 2) * 1_000 + 1_500,
        `${stoppedAt - cutAt} ms`,
      );
      await until(
        'the other to take over',
        () => owned(other).length === TENANTS.length,
        (LEASE_SECONDS + 5) * 1_000,
      );
      const takenAt = Math.min(
        ...changes
          .filter(
            (c) => c.instance === 'other' && c.event === 'gained' && cutOwned.includes(c.tenant),
          )
          .map((c) => c.at),
      );
      // The margin the lease gives: work stopped well before anyone could start it.
      assert.ok(takenAt - stoppedAt >= 4_000, `margin ${takenAt - stoppedAt} ms`);
      assert.deepEqual(overlaps, []);
    } finally {
      await proxy.close();
    }
  });

  function startChild(): ChildProcess {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/cluster/fixtures/lease-instance.ts',
        JSON.stringify({
          connectionString: azurite().connectionString,
          containerName,
          tenants: TENANTS,
          leaseSeconds: LEASE_SECONDS,
          pollEveryMs: POLL_MS,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    after(() => void child.kill('SIGKILL'));
    return child;
  }
});

/** A proxy to Azurite's blob port that, once cut, holds every request without answering. */
async function blackHoleProxy(upstreamPort: number) {
  let cut = false;
  const server: Server = createServer((req, res) => {
    if (cut) return;
    const upstream = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      cut = true;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
