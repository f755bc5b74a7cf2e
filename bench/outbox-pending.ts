// How long the notification service's outbox.pending(100) takes on an outbox of many events
// (a first poll of a large tenant), with half of them owned by this instance and with all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore } from '../src/app/open-store.ts';
import { Outbox, type OutboxEvent } from '../src/watcher/outbox.ts';
import { incident, TENANT_A, TENANT_B } from '../test/watcher/fakes.ts';

const count = Number(process.argv[2] ?? '2000');
const dir = await mkdtemp(path.join(tmpdir(), 'bench-outbox-'));
const store = await openEmbeddedStore(dir);
const appender = new Outbox(store);
for (let start = 0; start < count; start += 40) {
  const events = Array.from({ length: Math.min(40, count - start) }, (_, i) => {
    const n = start + i;
    const tenantId = n < count / 2 ? TENANT_A : TENANT_B;
    const event: Omit<OutboxEvent, 'seq'> = {
      id: `${tenantId}:${n}`,
      tenantId,
      incidentId: String(n),
      change: { type: 'awaitingCustomer' },
      incident: incident(String(n), { title: 'x'.repeat(2000) }),
      detectedAt: new Date().toISOString(),
    };
    return event;
  });
  await store.batch(await appender.appendOps(events));
}
const rounds = 20;
for (const [label, outbox] of [
  ['half owned', new Outbox(store, { owns: (tenantId) => tenantId === TENANT_B })],
  ['all owned', appender],
] as const) {
  const started = performance.now();
  for (let i = 0; i < rounds; i += 1) await outbox.pending(100);
  const ms = (performance.now() - started) / rounds;
  console.log(`outbox: pending(100) of ${count} events, ${label}: ${ms.toFixed(2)} ms a call`);
}
await store.close();
await rm(dir, { recursive: true, force: true });
