// Fan-out bench: one card to each of N contacts through the real delivery path (DeliveryEngine →
// ProactiveMessenger → botbuilder CloudAdapter → HTTP) to the fake Bot Connector, which enforces
// Teams' limits (per conversation 7/1 s, 8/2 s, 60/30 s; per tenant 50/s) as sliding windows.
// Jobs live in a lowdb store file, as in production. Prints cards/s, total time and the share
// of 429s, and checks that every contact got exactly one card.
//
//   node --import tsx bench/fanout.ts [--contacts 500] [--tenants 1] [--new-chats] [--unpaced]
//
// --new-chats: no 1:1 chat is recorded yet, so each card also needs a createConversation call.
// --unpaced: no client-side pacing (the gate's windows made huge): shows what the gate saves.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeliveryEngine } from '../src/delivery/delivery-engine.ts';
import type { DeliveryJob } from '../src/delivery/delivery-job.ts';
import { TeamsRateGate } from '../src/delivery/teams-rate-gate.ts';
import { openLowdbStore } from '../src/store/lowdb-store.ts';
import { FakeBotConnector } from '../test/fakes/fake-bot-connector.ts';
import { install, quietLogger, teamsMessenger } from '../test/delivery/teams-harness.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '500' },
    tenants: { type: 'string', default: '1' },
    'new-chats': { type: 'boolean', default: false },
    unpaced: { type: 'boolean', default: false },
  },
});
const contactCount = Number(values.contacts);
const tenantCount = Number(values.tenants);
const newChats = values['new-chats'];
const unlimited = [{ points: 1_000_000, durationMs: 1_000 }];
const rateGate = values.unpaced
  ? new TeamsRateGate({ perConversation: unlimited, perTenant: unlimited })
  : new TeamsRateGate();

// About the size of a real incident card (~4 KB of Adaptive Card JSON).
const card = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: Array.from({ length: 24 }, (_, i) => ({
    type: 'TextBlock',
    text: `Line ${i}: Defender Experts need your action on incident 4711 (device WS-0042).`,
    wrap: true,
  })),
  actions: [{ type: 'Action.Execute', verb: 'openIncident', title: 'Open', data: { id: 4711 } }],
};

const connector = await FakeBotConnector.start();
const dataDir = await mkdtemp(join(tmpdir(), 'fanout-bench-'));
const store = await openLowdbStore({ dataDir });
try {
  const { messenger, registry } = teamsMessenger(store, quietLogger, rateGate);
  const contacts = Array.from({ length: contactCount }, (_, i) => ({
    tenantId: `tenant-${i % tenantCount}`,
    userId: `user-${i}`,
  }));
  // Each tenant has its SOC channel installed; contacts have their 1:1 unless --new-chats.
  await Promise.all(
    Array.from({ length: tenantCount }, (_, t) =>
      install(connector, registry, { tenantId: `tenant-${t}`, kind: 'channel', memberIds: [] }),
    ),
  );
  if (newChats) for (const c of contacts) connector.addUser(c.tenantId, c.userId);
  await Promise.all(
    contacts.map((c) =>
      newChats
        ? Promise.resolve()
        : install(connector, registry, {
            tenantId: c.tenantId,
            kind: 'personal',
            memberIds: [c.userId],
          }),
    ),
  );
  const jobs: DeliveryJob[] = contacts.map((c) => ({
    id: `incident-4711:awaitingAction:${c.userId}`,
    orderingKey: `${c.tenantId}:incident-4711:${c.userId}`,
    target: { kind: 'personal', ...c },
    operation: {
      kind: 'send',
      activity: {
        summary: 'Incident 4711 needs your action',
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
      },
    },
    createdAt: new Date().toISOString(),
  }));

  const engine = new DeliveryEngine({ store, messenger, logger: quietLogger });
  await engine.enqueue(jobs);
  const started = performance.now();
  await engine.drain();
  const seconds = (performance.now() - started) / 1000;

  const stats = connector.stats();
  const sends = connector.requests.filter((r) => r.operation === 'send' && r.status === 201).length;
  const perContact = contacts.map(
    (c) =>
      connector.messages(connector.personalConversation(c.tenantId, c.userId)?.id ?? '').length,
  );
  const exactlyOnce = perContact.every((n) => n === 1);
  const throttled = stats.byStatus[429] ?? 0;
  console.log(
    [
      `fan-out: ${contactCount} contacts in ${tenantCount} tenant(s)${newChats ? ', new 1:1 chats' : ', chats known'}${values.unpaced ? ', UNPACED' : ''}`,
      `cards delivered: ${sends} in ${seconds.toFixed(2)} s → ${(sends / seconds).toFixed(1)} cards/s`,
      `requests: ${stats.total} (${Object.entries(stats.byStatus)
        .map(([status, n]) => `${status}×${n}`)
        .join(', ')})`,
      `429 share: ${((100 * throttled) / stats.total).toFixed(2)} % (${throttled} of ${stats.total})`,
      `store file writes: ${store.writeCount}`,
      `each contact exactly once: ${exactlyOnce ? 'yes' : `NO (${perContact.join(',')})`}`,
    ].join('\n'),
  );
  if (!exactlyOnce) process.exitCode = 1;
} finally {
  await store.close();
  await connector.close();
  await rm(dataDir, { recursive: true, force: true });
}
