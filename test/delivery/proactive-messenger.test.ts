import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { ProactiveMessenger } from '../../bot/proactive-messenger.ts';
import type { DeliveryTarget } from '../../src/delivery/delivery-job.ts';
import { MessengerError } from '../../src/delivery/messenger.ts';
import type { RateScope, TeamsRateGate } from '../../src/delivery/teams-rate-gate.ts';
import type { ConversationRegistry } from '../../src/shared/conversation-registry.ts';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { install, quietLogger, teamsMessenger } from './teams-harness.ts';

const T = 'tenant-a';

async function failure(promise: Promise<unknown>): Promise<MessengerError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MessengerError, `not a MessengerError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('ProactiveMessenger (CloudAdapter against the fake Bot Connector)', () => {
  let connector: FakeBotConnector;
  let messenger: ProactiveMessenger;
  let registry: ConversationRegistry;
  let gateCalls: string[];

  beforeEach(async () => {
    connector = await FakeBotConnector.start({ limits: false });
    gateCalls = [];
    // Records the order of gate acquisitions relative to HTTP requests.
    const gate = {
      acquire: (scope: RateScope) => {
        gateCalls.push(`gate ${scope.conversationKey} @${connector.requests.length}`);
        return Promise.resolve(0);
      },
      block: (key: string, ms: number) => {
        gateCalls.push(`block ${key} ${ms}`);
        return Promise.resolve();
      },
    } as unknown as TeamsRateGate;
    ({ messenger, registry } = teamsMessenger(new MemoryStore(), quietLogger, gate));
  });
  afterEach(() => connector.close());

  it('sends into the recorded 1:1 chat', async () => {
    const chat = await install(connector, registry, {
      tenantId: T,
      kind: 'personal',
      memberIds: ['alice'],
    });
    const target: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'alice' };
    const location = await messenger.send(target, { text: 'hello', summary: 'hi' });

    const [message] = connector.messages(chat.id);
    assert.deepEqual(location, { conversationId: chat.id, activityId: message?.id });
    assert.equal(message?.text, 'hello');
    assert.equal(message?.activity.summary, 'hi');
    assert.deepEqual(gateCalls, [`gate personal:${T}:alice @0`]);
  });

  it('creates the 1:1 chat when none is recorded, records it, and reuses it', async () => {
    await install(connector, registry, { tenantId: T, kind: 'channel', memberIds: [] });
    connector.addUser(T, 'bob');
    const target: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'bob' };
    const first = await messenger.send(target, { text: 'one' });
    await messenger.send(target, { text: 'two' });

    const chat = connector.personalConversation(T, 'bob');
    assert.ok(chat);
    assert.equal(first.conversationId, chat.id);
    assert.deepEqual(
      connector.messages(chat.id).map((m) => m.text),
      ['one', 'two'],
    );
    assert.equal((await registry.findPersonal(T, 'bob'))?.conversationId, chat.id);
    assert.deepEqual(
      connector.requests.map((r) => r.operation),
      ['create', 'send', 'send'],
    );
    assert.deepEqual(gateCalls.slice(0, 2), [
      `gate create:personal:${T}:bob @0`, // before the create call
      `gate personal:${T}:bob @1`, // before the send
    ]);
  });

  it('answers 403 NotInstalled without any call when the tenant has no conversation', async () => {
    const error = await failure(
      messenger.send({ kind: 'personal', tenantId: 'tenant-z', userId: 'carol' }, { text: 'x' }),
    );
    assert.deepEqual([error.status, error.code], [403, 'NotInstalled']);
    const unknownChannel = await failure(
      messenger.send(
        { kind: 'conversation', tenantId: T, conversationId: '19:gone' },
        { text: 'x' },
      ),
    );
    assert.deepEqual([unknownChannel.status, unknownChannel.code], [403, 'NotInstalled']);
    assert.equal(connector.requests.length, 0);
  });

  it('replies in a channel thread and updates both the root and the reply', async () => {
    const channel = await install(connector, registry, {
      tenantId: T,
      kind: 'channel',
      memberIds: [],
    });
    const target: DeliveryTarget = {
      kind: 'conversation',
      tenantId: T,
      conversationId: channel.id,
    };
    const root = await messenger.send(target, { text: 'incident 1' });
    const reply = await messenger.send(target, { text: 'update' }, { replyTo: root });
    await messenger.update(target, root.conversationId, root.activityId, {
      text: 'incident 1 (resolved)',
    });
    await messenger.update(target, reply.conversationId, reply.activityId, {
      text: 'update (edited)',
    });

    assert.equal(reply.conversationId, `${channel.id};messageid=${root.activityId}`);
    assert.deepEqual(
      connector.messages(channel.id).map((m) => [m.id, m.threadRootId, m.text, m.version]),
      [
        [root.activityId, undefined, 'incident 1 (resolved)', 2],
        [reply.activityId, root.activityId, 'update (edited)', 2],
      ],
    );
  });

  it('maps connector errors, reading Retry-After, and makes one request per call', async () => {
    const chat = await install(connector, registry, {
      tenantId: T,
      kind: 'personal',
      memberIds: ['alice'],
    });
    const target: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'alice' };
    connector.inject({ status: 429, retryAfterSeconds: 2, conversationId: chat.id });
    const throttled = await failure(messenger.send(target, { text: 'x' }));
    assert.deepEqual(
      [throttled.status, throttled.retryAfterSeconds, throttled.code],
      [429, 2, 'Throttled'],
    );
    assert.ok(gateCalls.includes(`block personal:${T}:alice 2000`));

    for (const status of [412, 502, 503, 504]) {
      connector.inject({ status, conversationId: chat.id });
      const before = connector.requests.length;
      const error = await failure(messenger.send(target, { text: 'x' }));
      assert.equal(error.status, status);
      // The SDK's own retry policy would have made 4 requests; the engine owns retries.
      assert.equal(connector.requests.length - before, 1, `requests for ${status}`);
    }

    connector.inject({ status: 403, code: 'ConversationBlockedByUser', conversationId: chat.id });
    const blocked = await failure(messenger.send(target, { text: 'x' }));
    assert.deepEqual([blocked.status, blocked.code], [403, 'ConversationBlockedByUser']);

    const gone = await failure(messenger.update(target, chat.id, 'no-such-id', { text: 'x' }));
    assert.equal(gone.status, 404);
    // A failed proactive call is the engine's to retry, not a failed turn: nothing else is
    // posted (the app's turn error handler would have said "Sorry, something went wrong").
    assert.deepEqual(connector.messages(chat.id), []);
  });

  it('gives the engine the error of a failed update, and posts nothing in its place', async () => {
    const chat = await install(connector, registry, {
      tenantId: T,
      kind: 'personal',
      memberIds: ['alice'],
    });
    const target: DeliveryTarget = { kind: 'personal', tenantId: T, userId: 'alice' };
    const sent = await messenger.send(target, { text: 'card v1' });
    connector.inject({ status: 503, conversationId: chat.id });
    const error = await failure(
      messenger.update(target, sent.conversationId, sent.activityId, { text: 'card v2' }),
    );
    assert.equal(error.status, 503);
    assert.deepEqual(
      connector.messages(chat.id).map((m) => [m.text, m.version]),
      [['card v1', 1]],
    );
  });

  it('finds the route of a new chat or an unseen channel without reading every tenant', async () => {
    const store = new MemoryStore();
    const gate = { acquire: () => Promise.resolve(0), block: () => Promise.resolve() };
    const own = teamsMessenger(store, quietLogger, gate as unknown as TeamsRateGate);
    for (let i = 0; i < 300; i += 1) {
      await install(connector, own.registry, {
        tenantId: `other-${i}`,
        kind: i % 2 ? 'personal' : 'channel',
        memberIds: [`user-${i}`],
      });
    }
    const channel = await install(connector, own.registry, {
      tenantId: T,
      kind: 'channel',
      memberIds: [],
    });
    connector.addUser(T, 'bob');
    connector.addUser(T, 'carol');
    const unseen = connector.addConversation({ tenantId: T, kind: 'channel', memberIds: [] });
    // A store whose records predate the registry's tenant indexes is indexed once (here: the
    // first question of this registry); after that no route reads every conversation.
    await own.messenger.send({ kind: 'personal', tenantId: T, userId: 'carol' }, { text: 'hi' });
    const list = sinon.spy(store, 'list');
    try {
      await own.messenger.send({ kind: 'personal', tenantId: T, userId: 'bob' }, { text: 'hi' });
      await own.messenger.send(
        { kind: 'conversation', tenantId: T, conversationId: unseen.id },
        { text: 'to the SOC channel' },
      );
    } finally {
      list.restore();
    }
    assert.equal(connector.personalConversation(T, 'bob') !== undefined, true);
    assert.deepEqual(
      connector.messages(unseen.id).map((m) => m.text),
      ['to the SOC channel'],
    );
    assert.ok(channel.id !== unseen.id);
    const whole = list.getCalls().filter((c) => c.args[0] === 'conversations');
    assert.deepEqual(whole, [], 'the conversations collection was listed');
  });

  it('reports a connector that does not answer as a network error (status 0)', async () => {
    await install(connector, registry, { tenantId: T, kind: 'personal', memberIds: ['alice'] });
    await connector.close();
    const error = await failure(
      messenger.send({ kind: 'personal', tenantId: T, userId: 'alice' }, { text: 'x' }),
    );
    assert.equal(error.status, 0);
    connector = await FakeBotConnector.start({ limits: false }); // for afterEach
  });
});
