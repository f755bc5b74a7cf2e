// What the unreachable-contact reports and proactive install read: the tenant's indexes and a
// few records, never every conversation of the service (they run once per unreachable contact).
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { DeliveryJob } from '../../../src/delivery/delivery-job.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { ProactiveInstall } from '../../../src/features/notifications/unreachable-install.ts';
import { UnreachableReports } from '../../../src/features/notifications/unreachable-reports.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import {
  CONVERSATIONS,
  ConversationRegistry,
  type ConversationRecord,
} from '../../../src/shared/conversation-registry.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const CONTOSO = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const FABRIKAM = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const WOODGROVE = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const MEGAN = 'bbbbbbbb-0000-0000-0000-000000000002';
const LATEST_URL = 'https://smba.trafficmanager.net/emea/';

function tenant(tenantId: string): CustomerTenant {
  return {
    tenantId,
    name: tenantId.slice(0, 4),
    expertsAccess: 'reader',
    roles: { operators: [], readers: [] },
    contacts: { primary: [{ userId: MEGAN, name: 'Megan Bowen' }], secondary: [] },
    admins: [],
    socChannels: [{ channelId: '19:soc@thread.tacv2', name: 'Incidents' }],
    proactiveInstall: true,
  };
}

function record(tenantId: string, n: number, kind: 'personal' | 'channel'): ConversationRecord {
  const id = kind === 'personal' ? `a:${tenantId}:${n}` : `19:${tenantId}-${n}@thread.tacv2`;
  return {
    conversationId: id,
    kind,
    tenantId,
    ...(kind === 'personal' ? { userId: `user-${n}` } : {}),
    reference: { conversation: { id }, serviceUrl: 'https://smba.trafficmanager.net/amer/' },
    updatedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
  };
}

describe('unreachable contacts: reads that do not grow with the conversations held', () => {
  it('reports, checks and installs with 1,000 conversations without listing them', async () => {
    const store = new MemoryStore();
    const conversations = new ConversationRegistry(store);
    // 1,000 records: Contoso's 1:1 chats and a channel, Fabrikam's chats; Woodgrove has none.
    for (let n = 0; n < 600; n += 1) await conversations.record(record(CONTOSO, n, 'personal'));
    await conversations.record(record(CONTOSO, 600, 'channel'));
    for (let n = 0; n < 398; n += 1) await conversations.record(record(FABRIKAM, n, 'personal'));
    const last = record(CONTOSO, 999, 'personal');
    await conversations.record({
      ...last,
      reference: { ...last.reference, serviceUrl: LATEST_URL },
    });
    assert.equal((await store.list(CONVERSATIONS)).length, 1_000);
    // A store that had records before the tenant indexes gets them once (here: none missing).
    assert.equal(await conversations.hasConversation(WOODGROVE), false);

    const enqueued: DeliveryJob[] = [];
    const tenants = new Map([CONTOSO, FABRIKAM, WOODGROVE].map((t) => [t, tenant(t)]));
    const reports = new UnreachableReports({
      store,
      conversations,
      delivery: { enqueue: async (jobs) => void enqueued.push(...jobs) },
      tenantOf: (id) => tenants.get(id),
      now: () => new Date('2026-11-29T10:00:00Z'),
      logger: silentLogger,
    });
    const install = new ProactiveInstall({
      store,
      conversations,
      installerFor: () => ({
        ensureInstalled: async (userId) => ({ kind: 'installed', chatId: `a:new-${userId}` }),
      }),
      botAppId: '00000000-0000-4000-8000-000000000028',
      now: () => new Date('2026-11-29T10:00:00Z'),
      logger: silentLogger,
    });
    const list = sinon.spy(store, 'list');
    const get = sinon.spy(store, 'get');
    const read = (collection: string) => get.getCalls().filter((c) => c.args[0] === collection);
    try {
      // Contoso has the app: the admins and the SOC channel are told at once.
      await reports.report(
        { kind: 'personal', tenantId: CONTOSO, userId: MEGAN },
        {
          code: 'NotInstalled',
          status: 403,
        },
      );
      assert.ok(enqueued.length > 0);
      // Woodgrove has nobody to tell: the reports wait for its first install...
      const sent = enqueued.length;
      for (const target of [
        { kind: 'personal' as const, tenantId: WOODGROVE, userId: MEGAN },
        {
          kind: 'conversation' as const,
          tenantId: WOODGROVE,
          conversationId: '19:soc@thread.tacv2',
        },
      ]) {
        await reports.report(target, { code: 'NotInstalled', status: 403 });
      }
      assert.equal(enqueued.length, sent);
      // ...and on it, go out for the targets still unreachable (no channel of Woodgrove's yet).
      const first = record(WOODGROVE, 1, 'personal');
      await conversations.record(first);
      await reports.installed(first);
      assert.ok(enqueued.length > sent);
      // Proactive install records the 1:1 chat with the service URL of Contoso's last activity.
      const reached = await install.tryReach(
        tenant(CONTOSO),
        { kind: 'personal', tenantId: CONTOSO, userId: MEGAN },
        { code: 'NotInstalled' },
      );
      assert.equal(reached.kind, 'reached');
      assert.equal((await conversations.get(`a:new-${MEGAN}`))?.reference.serviceUrl, LATEST_URL);

      const lists = list.getCalls().map((c) => c.args[0]);
      assert.ok(!lists.includes(CONVERSATIONS), `listed ${lists.join(', ')}`);
      // Each question reads the tenant's last record or a range of its index, then a record.
      assert.ok(read(CONVERSATIONS).length <= 8, `${read(CONVERSATIONS).length} records read`);
      const listedEntries = await Promise.all(list.returnValues);
      const entries = listedEntries
        .filter((_, i) => list.getCall(i).args[0] !== 'unreachableReports')
        .reduce((sum, page) => sum + page.length, 0);
      assert.ok(entries <= 10, `${entries} index entries listed`);
    } finally {
      sinon.restore();
    }
  });
});
