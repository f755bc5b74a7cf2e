// The chat feature's Teams glue through the real bot (TestAdapter): free text, the card action,
// the commands, and what each answers.
import assert from 'node:assert/strict';
import { TestAdapter, type Activity } from 'botbuilder';
import sinon from 'sinon';
import { buildApp } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../src/watcher/incident-snapshots.ts';
import { FakeMessenger } from '../delivery/fake-messenger.ts';
import { fakeDefender } from '../fakes/fake-defender.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import {
  ALEX,
  CONTOSO,
  CONTOSO_INCIDENT,
  EXPERTS_CHANNEL,
  EXPERTS_TENANT,
  expertsTarget,
  incidentOf,
  tenants,
} from '../features/chat/chat-fixture.ts';

async function setup() {
  const store = new MemoryStore();
  const messenger = new FakeMessenger();
  const incident = incidentOf(CONTOSO, CONTOSO_INCIDENT, 'Ransomware on prod-server-01');
  await store.put(SNAPSHOTS_COLLECTION, snapshotKey(CONTOSO, CONTOSO_INCIDENT), incident);
  const comments: string[] = [];
  const app = await buildApp(
    loadConfig({ EXPERTS_TENANT_ID: EXPERTS_TENANT, EXPERTS_CHANNEL_ID: EXPERTS_CHANNEL }),
    store,
    {
      logger: silentLogger,
      defender: fakeDefender(tenants, { onComment: (_t, _i, c) => void comments.push(c) }),
      clock: () => new Date('2026-11-29T10:00:00Z'),
      messenger,
    },
  );
  const adapter = new TestAdapter(async (context) => app.bot.run(context));
  return { adapter, engine: app.delivery, messenger, feature: app.features.chat!, comments };
}

let id = 1;
function fromAlex(overrides: Partial<Activity>): Partial<Activity> {
  return {
    type: 'message',
    id: `a${id++}`,
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    conversation: { id: 'a:alex', conversationType: 'personal', isGroup: false, name: '' },
    from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: ALEX },
    recipient: { id: '28:bot', name: 'Managed Response' },
    channelData: { tenant: { id: CONTOSO } },
    ...overrides,
  };
}

function invoke(data: unknown): Partial<Activity> {
  return fromAlex({
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: 'chatWithExperts', data } },
  });
}

describe('chat feature in the bot', () => {
  it('asks which incident a message is about when the chat has none', async () => {
    const { adapter } = await setup();
    await adapter
      .send(fromAlex({ text: 'is the server ok?' }))
      .assertReply((r) => assert.match(r.text ?? '', /Which incident is this about\?/));
  });

  it('opens the chat from the card button with a message, keeping the card', async () => {
    const { adapter } = await setup();
    await adapter
      .send(invoke({ incidentId: CONTOSO_INCIDENT }))
      .assertReply((r) =>
        assert.match(r.text ?? '', /now talking with the Defender Experts about incident 2972403/),
      )
      .assertReply((r) => {
        const body = (r.value as { body: { type: string; value: unknown } }).body;
        assert.equal(body.type, 'application/vnd.microsoft.activity.message');
        assert.equal(body.value, 'Chat with the Defender Experts opened: type your message.');
      });
  });

  it('answers a card without an incident id with a notice card', async () => {
    const { adapter } = await setup();
    await adapter.send(invoke({})).assertReply((r) => {
      const body = (r.value as { body: { type: string; value: unknown } }).body;
      assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(JSON.stringify(body.value), /out of date/);
    });
  });

  it('binds with `chat <incident>` and relays a sentence that starts with "chat"', async () => {
    const { adapter, engine, messenger } = await setup();
    await adapter
      .send(fromAlex({ text: 'chat 2972403' }))
      .assertReply((r) => assert.match(r.text ?? '', /about incident 2972403/));
    await adapter.send(fromAlex({ text: 'Chat soon, please: is it safe?' }));
    await engine.drain();
    assert.deepEqual(
      messenger
        .delivered(expertsTarget)
        .map((c) => c.text)
        .slice(1),
      ['**Alex Wilber (Contoso):** Chat soon, please: is it safe?'],
    );
  });

  it('shows the history card on `history`', async () => {
    const { adapter } = await setup();
    await adapter.send(fromAlex({ text: 'chat 2972403' })).assertReply(() => undefined);
    await adapter.send(fromAlex({ text: 'first question' }));
    await adapter.send(fromAlex({ text: 'history' })).assertReply((r) => {
      const card = JSON.stringify(r.attachments?.[0]?.content);
      assert.match(card, /Conversation about incident 2972403/);
      assert.match(card, /first question/);
    });
  });

  it('relays a customer line starting with "comment" instead of posting a Graph comment', async () => {
    const { adapter, engine, messenger, comments } = await setup();
    await adapter.send(fromAlex({ text: 'chat 2972403' })).assertReply(() => undefined);
    await adapter.send(fromAlex({ text: 'comment: the backup finished' }));
    await engine.drain();
    assert.deepEqual(comments, []);
    assert.match(
      messenger.delivered(expertsTarget).at(-1)?.text ?? '',
      /comment: the backup finished/,
    );
  });

  it('refuses a file in the chat with a clear message', async () => {
    const { adapter } = await setup();
    await adapter.send(fromAlex({ text: 'chat 2972403' })).assertReply(() => undefined);
    await adapter
      .send(
        fromAlex({
          text: '',
          attachments: [{ contentType: 'image/png', contentUrl: 'https://x/y.png' }],
        }),
      )
      .assertReply((r) => assert.match(r.text ?? '', /only text to the experts.*an image/));
  });

  it('resumes relays to the experts channel when the bot is added to the experts team', async () => {
    const { feature, engine } = await setup();
    const spy = sinon.spy(engine, 'markReachable');
    const record = {
      conversationId: EXPERTS_CHANNEL,
      kind: 'channel' as const,
      tenantId: EXPERTS_TENANT,
      reference: {},
      updatedAt: '',
    };
    await feature.onInstalled(record);
    await feature.onInstalled({ ...record, tenantId: CONTOSO });
    assert.equal(spy.callCount, 1);
    assert.deepEqual(spy.firstCall.args[0], expertsTarget);
  });
});
