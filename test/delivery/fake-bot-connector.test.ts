// The fake must really enforce Teams' limits, or a bench showing "no 429s" proves nothing.
import assert from 'node:assert/strict';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';

describe('FakeBotConnector', () => {
  let connector: FakeBotConnector;
  beforeEach(async () => {
    connector = await FakeBotConnector.start();
  });
  afterEach(() => connector.close());

  const post = (conversationId: string, text: string) =>
    fetch(
      `${connector.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text }),
      },
    );

  it('answers 429 with Retry-After past 7 sends a second to one conversation', async () => {
    const chat = connector.addConversation({ tenantId: 't', kind: 'personal', memberIds: ['u'] });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await post(chat.id, `m${i}`)).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 201, 201, 429]);
    const throttled = await post(chat.id, 'again');
    assert.equal(throttled.headers.get('retry-after'), '1');
    assert.equal(connector.messages(chat.id).length, 7);
  });

  it('answers 429 past 50 calls a second in one tenant', async () => {
    const chats = Array.from({ length: 51 }, (_, i) =>
      connector.addConversation({ tenantId: 't', kind: 'personal', memberIds: [`u${i}`] }),
    );
    const responses = await Promise.all(chats.map((c) => post(c.id, 'hi')));
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 50);
    assert.equal(statuses.filter((s) => s === 429).length, 1);
    assert.equal(connector.stats().enforced429, 1);
  });

  it('decodes path ids, threads replies and injects faults with counts', async () => {
    const channel = connector.addConversation({ tenantId: 't', kind: 'channel', memberIds: [] });
    const root = (await (await post(channel.id, 'root')).json()) as { id: string };
    await post(`${channel.id};messageid=${root.id}`, 'reply');
    connector.inject({ status: 503, count: 2, conversationId: channel.id });
    const faulted = [
      await post(channel.id, 'x'),
      await post(channel.id, 'y'),
      await post(channel.id, 'z'),
    ];
    assert.deepEqual(
      faulted.map((r) => r.status),
      [503, 503, 201],
    );
    assert.deepEqual(
      connector.messages(channel.id).map((m) => [m.text, m.threadRootId]),
      [
        ['root', undefined],
        ['reply', root.id],
        ['z', undefined],
      ],
    );
  });
});
