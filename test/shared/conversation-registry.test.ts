import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Activity } from 'botbuilder';
import { conversationRecord } from '../../bot/teams-context.ts';
import {
  ConversationRegistry,
  type ConversationRecord,
} from '../../src/shared/conversation-registry.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

const CONTOSO = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const FABRIKAM = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function personal(tenantId: string, updatedAt = '2026-12-02T10:00:00.000Z'): ConversationRecord {
  return {
    conversationId: 'a:1xyz',
    kind: 'personal',
    tenantId,
    userId: 'user-1',
    reference: { conversation: { id: 'a:1xyz' }, serviceUrl: 'https://smba.example/' },
    updatedAt,
  };
}

describe('ConversationRegistry', () => {
  it('writes a record only when it changed', async () => {
    const store = new MemoryStore();
    const batch = sinon.spy(store, 'batch');
    const registry = new ConversationRegistry(store);
    assert.equal(await registry.record(personal(CONTOSO)), 'written');
    assert.equal(await registry.record(personal(CONTOSO, '2026-12-02T11:00:00.000Z')), 'unchanged');
    assert.equal(batch.callCount, 1);
    const moved = { ...personal(CONTOSO), reference: { serviceUrl: 'https://other.example/' } };
    assert.equal(await registry.record(moved), 'written');
    assert.equal(batch.callCount, 2);
  });

  it("neither overwrites nor removes another tenant's conversation", async () => {
    const registry = new ConversationRegistry(new MemoryStore());
    await registry.record(personal(CONTOSO));
    assert.equal(await registry.record(personal(FABRIKAM)), 'refused');
    assert.equal(await registry.remove('a:1xyz', FABRIKAM), false);
    assert.equal((await registry.get('a:1xyz'))?.tenantId, CONTOSO);
    assert.equal((await registry.findPersonal(CONTOSO, 'user-1'))?.conversationId, 'a:1xyz');
    assert.equal(await registry.findPersonal(FABRIKAM, 'user-1'), undefined);
    assert.equal(await registry.remove('a:1xyz', CONTOSO.toUpperCase()), true);
    assert.equal(await registry.get('a:1xyz'), undefined);
  });
});

describe('conversationRecord', () => {
  it('keeps what a proactive message needs, bounded, and nothing else the activity carried', () => {
    let nested: Record<string, unknown> = { leaf: 'x'.repeat(100) };
    for (let i = 0; i < 200; i += 1) nested = { [`level${i}`]: nested, pad: 'y'.repeat(20) };
    const activity = {
      type: 'message',
      id: 'act-1',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
      locale: 'en-US',
      from: { id: '29:alex', name: 'A'.repeat(5000), aadObjectId: 'user-1', extra: nested },
      recipient: { id: '28:bot', name: 'Managed Response', extra: nested },
      conversation: {
        id: 'a:1xyz',
        conversationType: 'personal',
        tenantId: CONTOSO,
        extra: nested,
      },
      channelData: { tenant: { id: CONTOSO } },
      text: 'hello',
    } as unknown as Partial<Activity>;
    assert.ok(JSON.stringify(activity).length > 12_000);
    const record = conversationRecord(activity, '2026-12-02T10:00:00.000Z');
    const stored = JSON.stringify(record);
    assert.ok(stored.length < 1500, `${stored.length} characters stored`);
    assert.equal(stored.includes('level0'), false);
    assert.deepEqual(record.reference, {
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
      locale: 'en-US',
      conversation: { id: 'a:1xyz', conversationType: 'personal', tenantId: CONTOSO },
      bot: { id: '28:bot', name: 'Managed Response' },
      user: { id: '29:alex', name: 'A'.repeat(256), aadObjectId: 'user-1' },
    });
  });
});
