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
    const put = sinon.spy(store, 'put');
    const registry = new ConversationRegistry(store);
    assert.equal(await registry.record(personal(CONTOSO)), 'written');
    assert.equal(await registry.record(personal(CONTOSO, '2026-12-02T11:00:00.000Z')), 'unchanged');
    assert.equal(put.callCount, 2); // the personal-chat index, then the record
    const moved = { ...personal(CONTOSO), reference: { serviceUrl: 'https://other.example/' } };
    assert.equal(await registry.record(moved), 'written');
    assert.equal(put.callCount, 4);
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

describe('ConversationRegistry, a step at a time', () => {
  it('writes the personal-chat index before the record, so a crash between leaves no dangling record', async () => {
    const store = new MemoryStore();
    const registry = new ConversationRegistry(store);
    sinon.stub(store, 'put').callThrough().onSecondCall().rejects(new Error('crash'));
    await assert.rejects(registry.record(personal(CONTOSO)), /crash/);
    // The index names the chat, its record is not there yet: the chat counts as unknown...
    assert.equal(await registry.findPersonal(CONTOSO, 'user-1'), undefined);
    sinon.restore();
    // ...and the next activity of the chat writes the record (it is not 'unchanged').
    assert.equal(await registry.record(personal(CONTOSO)), 'written');
    assert.equal((await registry.findPersonal(CONTOSO, 'user-1'))?.conversationId, 'a:1xyz');
  });

  it('removes the record, then its index entry, and keeps a record written again meanwhile', async () => {
    const store = new MemoryStore();
    const registry = new ConversationRegistry(store);
    await registry.record(personal(CONTOSO));
    assert.equal(await registry.remove('a:1xyz', CONTOSO), true);
    assert.equal(await registry.findPersonal(CONTOSO, 'user-1'), undefined);
    assert.deepEqual(await store.list('personalChats'), []);
    await registry.record(personal(CONTOSO));
    const read = sinon.stub(store, 'get').callThrough();
    read.onFirstCall().callsFake(async (collection: string, key: string) => {
      const current = await read.wrappedMethod.call(store, collection, key);
      await store.put(collection, key, { ...(current!.value as object), updatedAt: 'later' });
      return current;
    });
    assert.equal(await registry.remove('a:1xyz', CONTOSO), false);
    sinon.restore();
    assert.equal((await registry.get('a:1xyz'))?.updatedAt, 'later');
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
