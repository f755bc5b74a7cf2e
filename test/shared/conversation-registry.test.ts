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
    // The personal-chat index, the tenant's record written last, then the record.
    assert.deepEqual(
      put.getCalls().map((c) => c.args[0]),
      ['personalChats', 'tenantLatestConversation', 'conversations'],
    );
    const moved = { ...personal(CONTOSO), reference: { serviceUrl: 'https://other.example/' } };
    assert.equal(await registry.record(moved), 'written');
    assert.equal(put.callCount, 6);
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
    sinon.stub(store, 'put').callThrough().onThirdCall().rejects(new Error('crash'));
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

describe('ConversationRegistry: what one tenant holds, from its indexes', () => {
  const at = (minute: number) => `2026-12-02T10:${String(minute).padStart(2, '0')}:00.000Z`;
  function conversation(
    tenantId: string,
    kind: ConversationRecord['kind'],
    id: string,
    minute: number,
    serviceUrl: string | null = 'https://smba.example/emea/',
  ): ConversationRecord {
    return {
      conversationId: id,
      kind,
      tenantId,
      ...(kind === 'personal' ? { userId: `user-${id}` } : {}),
      reference: { conversation: { id }, ...(serviceUrl ? { serviceUrl } : {}) },
      updatedAt: at(minute),
    };
  }

  it('says whether the tenant has a conversation, of a kind or any, and forgets removed ones', async () => {
    const registry = new ConversationRegistry(new MemoryStore());
    assert.equal(await registry.hasConversation(CONTOSO), false);
    await registry.record(conversation(CONTOSO, 'groupChat', '19:group@thread.v2', 1));
    await registry.record(conversation(FABRIKAM, 'channel', '19:fab@thread.tacv2', 2));
    assert.equal(await registry.hasConversation(CONTOSO), true);
    assert.equal(await registry.hasConversation(CONTOSO.toUpperCase(), 'groupChat'), true);
    assert.equal(await registry.hasConversation(CONTOSO, 'channel'), false, "Fabrikam's channel");
    assert.equal(await registry.hasConversation(CONTOSO, 'personal'), false);

    await registry.record(conversation(CONTOSO, 'channel', '19:soc@thread.tacv2', 3));
    await registry.record(conversation(CONTOSO, 'personal', 'a:1', 4));
    assert.equal(await registry.hasConversation(CONTOSO, 'channel'), true);
    assert.equal(await registry.hasConversation(CONTOSO, 'personal'), true);

    for (const id of ['19:soc@thread.tacv2', 'a:1', '19:group@thread.v2']) {
      assert.equal(await registry.remove(id, CONTOSO), true);
    }
    assert.equal(await registry.hasConversation(CONTOSO), false);
    assert.equal(await registry.hasConversation(CONTOSO, 'channel'), false);
    assert.equal(await registry.hasConversation(FABRIKAM, 'channel'), true);
  });

  it('answers the record written last that is accepted, newest first when that one is gone', async () => {
    const registry = new ConversationRegistry(new MemoryStore());
    const withUrl = (r: ConversationRecord) => typeof r.reference.serviceUrl === 'string';
    await registry.record(conversation(CONTOSO, 'channel', '19:soc@thread.tacv2', 1, 'https://a/'));
    await registry.record(conversation(CONTOSO, 'personal', 'a:1', 2, 'https://b/'));
    await registry.record(conversation(CONTOSO, 'personal', 'a:2', 3, null));
    await registry.record(conversation(FABRIKAM, 'personal', 'a:3', 4, 'https://c/'));
    assert.equal((await registry.latest(CONTOSO))?.conversationId, 'a:2');
    assert.equal((await registry.latest(CONTOSO, withUrl))?.conversationId, 'a:1');
    await registry.remove('a:2', CONTOSO);
    await registry.remove('a:1', CONTOSO);
    assert.equal((await registry.latest(CONTOSO, withUrl))?.conversationId, '19:soc@thread.tacv2');
    await registry.remove('19:soc@thread.tacv2', CONTOSO);
    assert.equal(await registry.latest(CONTOSO), undefined);
  });

  it('indexes once, with one read of every record, a store written before the tenant indexes', async () => {
    const store = new MemoryStore();
    // As the registry wrote them before: the record, and the personal-chat index for 1:1 chats.
    const before = [
      conversation(CONTOSO, 'channel', '19:soc@thread.tacv2', 5, 'https://old/'),
      conversation(CONTOSO, 'personal', 'a:1', 7, 'https://new/'),
      conversation(CONTOSO, 'groupChat', '19:group@thread.v2', 6),
      conversation(FABRIKAM, 'personal', 'a:2', 8),
    ];
    for (const record of before) {
      if (record.kind === 'personal') {
        await store.put(
          'personalChats',
          `${record.tenantId}:${record.userId}`,
          record.conversationId,
        );
      }
      await store.put('conversations', record.conversationId, record);
    }
    const list = sinon.spy(store, 'list');
    const conversationLists = () => list.getCalls().filter((c) => c.args[0] === 'conversations');
    const registry = new ConversationRegistry(store);
    assert.equal(await registry.hasConversation(CONTOSO, 'channel'), true);
    assert.equal(await registry.hasConversation(CONTOSO, 'groupChat'), true);
    assert.equal((await registry.latest(CONTOSO))?.conversationId, 'a:1');
    assert.equal((await registry.latest(FABRIKAM))?.conversationId, 'a:2');
    assert.equal(conversationLists().length, 1, 'every record read once');

    const again = new ConversationRegistry(store); // another process on the same store
    assert.equal(await again.hasConversation(CONTOSO, 'channel'), true);
    assert.equal(conversationLists().length, 1, 'the marker says the indexes are complete');
    list.restore();
  });
});
