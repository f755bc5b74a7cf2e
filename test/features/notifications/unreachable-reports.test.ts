import assert from 'node:assert/strict';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import type { DeliveryJob } from '../../../src/delivery/delivery-job.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import {
  ConversationRegistry,
  type ConversationRecord,
} from '../../../src/shared/conversation-registry.ts';
import { UnreachableReports } from '../../../src/features/notifications/unreachable-reports.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const T = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const ALEX = 'aaaaaaaa-0000-0000-0000-000000000001';
const MEGAN = 'bbbbbbbb-0000-0000-0000-000000000002';
const tenant: CustomerTenant = {
  tenantId: T,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: {
    primary: [
      { userId: ALEX, name: 'Alex Wilber' },
      { userId: MEGAN, name: 'Megan Bowen' },
    ],
    secondary: [],
  },
  admins: [ALEX],
  socChannels: [{ channelId: '19:soc@thread.tacv2', name: 'Incidents' }],
};

function personal(userId: string): ConversationRecord {
  return {
    conversationId: `a:${userId}`,
    kind: 'personal',
    tenantId: T,
    userId,
    reference: { conversation: { id: `a:${userId}` }, serviceUrl: 'http://x/' },
    updatedAt: '2026-11-29T10:00:00Z',
  };
}

function setUp() {
  const store = new MemoryStore();
  const conversations = new ConversationRegistry(store);
  const enqueued: DeliveryJob[] = [];
  const reports = new UnreachableReports({
    store,
    conversations,
    delivery: { enqueue: async (jobs) => void enqueued.push(...jobs) },
    tenantOf: (id) => (id === T ? tenant : undefined),
    now: () => new Date('2026-11-29T10:00:00Z'),
    logger: createLogger({ level: 'silent' }),
  });
  return { conversations, enqueued, reports };
}

const notInstalled = { code: 'NotInstalled', status: 403 };
const texts = (jobs: DeliveryJob[]) => jobs.map((j) => JSON.stringify(j.operation));

describe('UnreachableReports', () => {
  it('tells admins and SOC channels at once when the bot is installed somewhere in the tenant', async () => {
    const { conversations, enqueued, reports } = setUp();
    await conversations.record(personal(ALEX));
    await reports.report({ kind: 'personal', tenantId: T, userId: MEGAN }, notInstalled);
    assert.equal(enqueued.length, 2, 'the SOC channel and the admin');
    assert.ok(texts(enqueued).every((t) => t.includes('Megan Bowen has not installed')));
  });

  it('waits for the first install, then reports only the targets still unreachable', async () => {
    const { conversations, enqueued, reports } = setUp();
    await reports.report({ kind: 'personal', tenantId: T, userId: ALEX }, notInstalled);
    await reports.report({ kind: 'personal', tenantId: T, userId: MEGAN }, notInstalled);
    assert.equal(enqueued.length, 0, 'nobody to tell yet');

    await conversations.record(personal(ALEX));
    await reports.installed(personal(ALEX));
    assert.ok(enqueued.length > 0);
    assert.ok(
      texts(enqueued).every((t) => t.includes('Megan Bowen')),
      texts(enqueued).join('\n'),
    );
    assert.equal(
      texts(enqueued).some((t) => t.includes('Alex Wilber has not installed')),
      false,
    );

    const before = enqueued.length;
    await reports.installed(personal(ALEX));
    assert.equal(enqueued.length, before, 'each report goes out once');
  });

  it('tells the admin how to add the app when the SOC channel cannot be reached', async () => {
    const { conversations, enqueued, reports } = setUp();
    await conversations.record(personal(ALEX));
    await reports.report(
      { kind: 'conversation', tenantId: T, conversationId: '19:soc@thread.tacv2' },
      notInstalled,
    );
    assert.equal(enqueued.length, 1, 'only the admin: the channel itself is the one unreachable');
    assert.match(texts(enqueued)[0]!, /not in the SOC channel .{1,3}Incidents.{1,3} yet/);
    assert.match(texts(enqueued)[0]!, /"summary":"The SOC channel cannot be reached"/);
    assert.match(texts(enqueued)[0]!, /Add the app to the team/);
  });
});

describe('UnreachableReports: a refused proactive install', () => {
  it('the admins notice names the permission to grant; a parked report keeps the reason', async () => {
    const { conversations, enqueued, reports } = setUp();
    const install = {
      code: 'InstallPermissionMissing',
      detail: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
    };
    // Nobody to tell yet: the report waits, with the reason, until the first install.
    await reports.report(
      { kind: 'personal', tenantId: T, userId: MEGAN },
      { ...notInstalled, install },
    );
    assert.equal(enqueued.length, 0);
    const alex = personal(ALEX);
    await conversations.record(alex);
    await reports.installed(alex);
    assert.ok(enqueued.length > 0);
    for (const text of texts(enqueued)) {
      assert.match(text, /Megan Bowen/);
      assert.match(text, /TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
    }
  });
});
