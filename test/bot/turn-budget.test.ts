// Budgets at the door of a turn, through the real bot (TestAdapter): a message or a click over
// the sender's budget runs nothing and gets the slow-down answer; a handler that hits a look-up
// budget or a busy Defender is answered the same friendly way, never as an error.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { CardActionRouter } from '../../bot/card-actions/card-action-router.ts';
import type { Command, Turn } from '../../src/app/feature.ts';
import { DefenderBusyError, DefenderRequestError } from '../../src/defender/errors.ts';
import { BudgetExceededError } from '../../src/platform/budgets.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { botFixture, cardText, personal } from './bot-fixture.ts';

const SMALL = {
  BUDGET_MESSAGES_PER_USER: '2',
  BUDGET_MESSAGES_PER_TENANT: '3',
  BUDGET_CARD_ACTIONS_PER_USER: '1',
};
const MEGAN = { id: '29:megan', name: 'Megan Bowen', aadObjectId: 'megan-object-id' };
const NESTOR = { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: 'nestor-object-id' };

const help = (from?: Activity['from']) =>
  personal({ type: 'message', text: 'help', ...(from ? { from } : {}) });
const showHelpClick = () =>
  personal({
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: 'showHelp', data: {} } },
  });
type InvokeReply = { status: number; body: { type: string; value: unknown } };

describe('budgets at the door of a turn', () => {
  it('answers a message over the user budget with the slow-down card and runs nothing', async () => {
    const ran: string[] = [];
    const echo: Command = {
      name: 'echo',
      description: 'Echo',
      async run({ reply, args }) {
        ran.push(args);
        await reply.text(args);
      },
    };
    const { adapter } = await botFixture([echo], { env: SMALL });
    await adapter.send(personal({ type: 'message', text: 'echo 1' })).assertReply('1');
    await adapter.send(personal({ type: 'message', text: 'echo 2' })).assertReply('2');
    await adapter.send(personal({ type: 'message', text: 'echo 3' })).assertReply((reply) => {
      const text = cardText(reply);
      assert.match(text, /You're going fast/);
      assert.match(text, /didn't act on your last message and didn't keep it/);
      assert.match(text, /Try again in 60 seconds/);
      assert.match(reply.summary ?? '', /You're going fast/);
    });
    assert.deepEqual(ran, ['1', '2'], 'the third message ran nothing');
    // Someone else in the tenant still gets answers, until the tenant's budget is spent.
    await adapter.send(help(MEGAN)).assertReply((r) => assert.match(cardText(r), /Show what/));
    await adapter
      .send(help(NESTOR))
      .assertReply((r) => assert.match(cardText(r), /Your organisation has sent me a lot/));
  });

  it('answers a click over the budget with a message and leaves the card as it was', async () => {
    const { adapter } = await botFixture([], { env: SMALL });
    await adapter.send(showHelpClick()).assertReply((reply) => {
      assert.equal(
        (reply.value as InvokeReply).body.type,
        'application/vnd.microsoft.card.adaptive',
      );
    });
    await adapter.send(showHelpClick()).assertReply((reply) => {
      const { status, body } = reply.value as InvokeReply;
      assert.equal(status, 200);
      assert.equal(body.type, 'application/vnd.microsoft.activity.message');
      assert.match(
        String(body.value),
        /^You're going fast: I didn't act on that\. Try again in \d+ seconds\.$/,
      );
    });
    // The fallback of old clients (a message with the verb) spends the same budget.
    await adapter
      .send(personal({ type: 'message', value: { verb: 'showHelp' } }))
      .assertReply((reply) => assert.match(cardText(reply), /You're going fast/));
  });

  it('answers a look-up budget or a busy Defender met inside a command with a card', async () => {
    const failing = (error: Error): Command => ({
      name: `fail${error.name}`,
      description: 'Fails',
      run: () => Promise.reject(error),
    });
    const { adapter } = await botFixture([
      failing(new BudgetExceededError({ kind: 'lookup', scope: 'user', retryAfterSeconds: 300 })),
      failing(new DefenderBusyError('graph', 42)),
    ]);
    await adapter
      .send(personal({ type: 'message', text: 'failBudgetExceededError' }))
      .assertReply((r) => {
        const text = cardText(r);
        assert.match(text, /You've asked about many incidents I haven't seen yet/);
        assert.match(text, /Try again in 5 minutes/);
      });
    await adapter
      .send(personal({ type: 'message', text: 'failDefenderBusyError' }))
      .assertReply((r) => {
        const text = cardText(r);
        assert.match(text, /Defender is busy for your organisation right now/);
        assert.match(text, /Try again in a minute/);
      });
  });
});

describe('card-action router: refusals', () => {
  const turn = { logger: silentLogger } as unknown as Turn;
  const routerThrowing = (error: Error) =>
    new CardActionRouter([{ showHelp: () => Promise.reject(error) }]);

  it('answers a budget refusal or Defender busy with a message, keeping the card', async () => {
    const budget = await routerThrowing(
      new BudgetExceededError({ kind: 'lookup', scope: 'tenant', retryAfterSeconds: 30 }),
    ).handle(turn, 'showHelp', {});
    assert.deepEqual(budget, {
      kind: 'message',
      text: "You're going fast: I didn't act on that. Try again in 30 seconds.",
    });
    const busy = await routerThrowing(new DefenderBusyError('graph', 20)).handle(
      turn,
      'showHelp',
      {},
    );
    assert.deepEqual(busy, {
      kind: 'message',
      text: "Defender is busy for your organisation right now, so I didn't act on that. Try again in a minute.",
    });
  });

  it('still answers any other failure with the "something went wrong" card', async () => {
    const result = await routerThrowing(
      new DefenderRequestError('graph', 500, 'ServerError', 'boom'),
    ).handle(turn, 'showHelp', {});
    assert.equal(result.kind, 'notice');
  });
});
