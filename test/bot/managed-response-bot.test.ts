import assert from 'node:assert/strict';
import sinon from 'sinon';
import { botFixture, cardText, channel, personal, TENANT, USER_AAD } from './bot-fixture.ts';

describe('ManagedResponseBot', () => {
  it('welcomes on install and remembers the personal chat', async () => {
    const { adapter, conversations } = await botFixture();
    await adapter
      .send(personal({ type: 'installationUpdate', action: 'add' }))
      .assertReply((reply) => {
        const text = cardText(reply);
        assert.match(text, /Hi Alex Wilber/);
        assert.match(text, /Contoso/);
      });
    const record = await conversations.findPersonal(TENANT, USER_AAD);
    assert.equal(record?.conversationId, 'a:personal-1');
    assert.equal(record?.kind, 'personal');
    assert.equal((record?.reference.conversation as { id: string }).id, 'a:personal-1');
  });

  it('forgets the conversation on uninstall', async () => {
    const { adapter, conversations } = await botFixture();
    await adapter.send(personal({ type: 'message', text: 'help' }));
    assert.ok(await conversations.get('a:personal-1'));
    await adapter.send(personal({ type: 'installationUpdate', action: 'remove' }));
    assert.equal(await conversations.get('a:personal-1'), undefined);
    assert.equal(await conversations.findPersonal(TENANT, USER_AAD), undefined);
  });

  it('answers help with a card listing the commands, case-insensitively', async () => {
    const { adapter } = await botFixture();
    await adapter
      .send(personal({ type: 'message', text: '  HELP ' }))
      .assertReply((reply) => assert.match(cardText(reply), /Show what I can do/));
  });

  it('strips the @mention in a channel and remembers the channel itself', async () => {
    const { adapter, conversations } = await botFixture();
    await adapter
      .send(
        channel({
          type: 'message',
          text: '<at>Managed Response</at> help',
          entities: [
            {
              type: 'mention',
              text: '<at>Managed Response</at>',
              mentioned: { id: '28:bot', name: 'Managed Response' },
            },
          ],
        }),
      )
      .assertReply((reply) => assert.match(cardText(reply), /Show what I can do/));
    const record = await conversations.get('19:soc@thread.tacv2');
    assert.equal(record?.kind, 'channel');
    assert.equal((record?.reference.conversation as { id: string }).id, '19:soc@thread.tacv2');
    assert.equal((await conversations.list({ kind: 'channel' })).length, 1);
  });

  it('answers unknown text with a friendly hint that quotes it', async () => {
    const { adapter } = await botFixture();
    await adapter
      .send(personal({ type: 'message', text: 'isolate everything now' }))
      .assertReply((reply) => {
        assert.match(reply.text ?? '', /I didn't understand "isolate everything now"/);
        assert.match(reply.text ?? '', /help/);
      });
  });

  it('runs a command from the table with its arguments', async () => {
    const seen: string[] = [];
    const { adapter } = await botFixture([
      {
        name: 'echo',
        description: 'Echo',
        async run({ reply, args }) {
          seen.push(args);
          await reply.text(`echo: ${args}`);
        },
      },
    ]);
    await adapter
      .send(personal({ type: 'message', text: 'echo  hello world' }))
      .assertReply('echo: hello world');
    assert.deepEqual(seen, ['hello world']);
  });

  it('answers the showHelp card action with the help card', async () => {
    const { adapter } = await botFixture();
    await adapter
      .send(
        personal({
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'showHelp', data: {} } },
        }),
      )
      .assertReply((reply) => {
        const response = reply.value as {
          status: number;
          body: { statusCode: number; type: string; value: unknown };
        };
        assert.equal(response.status, 200);
        assert.equal(response.body.type, 'application/vnd.microsoft.card.adaptive');
        assert.match(JSON.stringify(response.body.value), /Show what I can do/);
      });
  });

  it('answers a click and a message even when the chat cannot be recorded', async () => {
    const { adapter, conversations } = await botFixture();
    const record = sinon
      .stub(conversations, 'record')
      .rejects(new Error('personalChats/… was changed by other writers 32 times in a row'));
    try {
      await adapter
        .send(
          personal({
            type: 'invoke',
            name: 'adaptiveCard/action',
            value: { action: { type: 'Action.Execute', verb: 'showHelp', data: {} } },
          }),
        )
        .assertReply((reply) => {
          const response = reply.value as { status: number; body: { value: unknown } };
          assert.equal(response.status, 200);
          assert.match(JSON.stringify(response.body.value), /Show what I can do/);
        });
      await adapter
        .send(personal({ type: 'message', text: 'help' }))
        .assertReply((reply) => assert.match(cardText(reply), /Show what I can do/));
      assert.equal(record.callCount, 2);
      // An install is how the bot reaches the chat later: that one still fails its turn.
      await assert.rejects(
        adapter.send(personal({ type: 'installationUpdate', action: 'add' })).startTest(),
        /changed by other writers/,
      );
    } finally {
      record.restore();
    }
  });

  it('answers an unknown verb with a card, not an error', async () => {
    const { adapter } = await botFixture();
    await adapter
      .send(
        personal({
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'deleteEverything', data: { x: 1 } } },
        }),
      )
      .assertReply((reply) => {
        const response = reply.value as {
          status: number;
          body: { statusCode: number; value: unknown };
        };
        assert.equal(response.status, 200);
        assert.match(JSON.stringify(response.body.value), /not available/);
      });
  });

  it('answers a verb named like an Object.prototype member as unknown', async () => {
    const { adapter } = await botFixture();
    await adapter
      .send(
        personal({
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'constructor' } },
        }),
      )
      .assertReply((reply) => {
        const response = reply.value as { status: number; body: { value: unknown } };
        assert.equal(response.status, 200);
        assert.match(JSON.stringify(response.body.value), /not available/);
      });
  });

  it('routes an Action.Submit fallback (old clients) to the same verb handler', async () => {
    const { adapter } = await botFixture();
    await adapter
      .send(personal({ type: 'message', value: { verb: 'showHelp' } }))
      .assertReply((reply) => assert.match(cardText(reply), /Show what I can do/));
  });
});
