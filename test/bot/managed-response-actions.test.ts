import assert from 'node:assert/strict';
import { invokeResponse } from '../../bot/card-actions/card-action-router.ts';
import { cardVerbDataKeys, type CardVerb } from '../../cards/card-verbs.ts';
import type { CardActionContext, CardActionHandler } from '../../src/app/feature.ts';
import { managedResponseCardActions } from '../../src/features/managed-response/card-actions.ts';
import type {
  CardActionResult,
  CardCaller,
} from '../../src/features/managed-response/card-action-service.ts';
import { silentLogger } from '../../src/platform/logger.ts';

class FakeService {
  readonly calls: { method: string; caller: CardCaller; args: unknown[] }[] = [];
  result: CardActionResult = { kind: 'card', card: { type: 'AdaptiveCard', version: '1.5' } };
  async act(verb: string, caller: CardCaller, ids: unknown, typedDeviceName?: string) {
    const typed = typedDeviceName === undefined ? [] : [typedDeviceName];
    this.calls.push({ method: 'act', caller, args: [verb, ids, ...typed] });
    return this.result;
  }
  async undo(verb: string, caller: CardCaller, ids: unknown) {
    this.calls.push({ method: 'undo', caller, args: [verb, ids] });
    return this.result;
  }
  async refresh(caller: CardCaller, incidentId: string) {
    this.calls.push({ method: 'refresh', caller, args: [incidentId] });
    return this.result;
  }
  async view(caller: CardCaller, ids: unknown) {
    this.calls.push({ method: 'view', caller, args: [ids] });
    return this.result;
  }
}

function context(verb: CardVerb, data: unknown): CardActionContext {
  return {
    verb,
    data,
    from: {
      tenantId: 'tenant-from-teams',
      userId: 'aad-alex',
      userName: 'Alex Wilber',
      teamsUserId: '29:alex',
      conversationId: 'a:chat',
      kind: 'personal',
    },
    message: { id: 'in-1', text: '', attachments: [], mentions: [] },
    reply: { text: async () => undefined, card: async () => undefined },
    lookupMember: async () => undefined,
    logger: silentLogger,
  };
}

/** A handler's answer as the bot sends it to Teams. */
async function answer(handler: CardActionHandler, ctx: CardActionContext) {
  return invokeResponse(await handler(ctx));
}

describe('managed-response card-action handlers', () => {
  let service: FakeService;
  let handlers: ReturnType<typeof managedResponseCardActions>;
  beforeEach(() => {
    service = new FakeService();
    handlers = managedResponseCardActions(service);
  });

  it('handles exactly the managed-response verbs of the cards', () => {
    const expected = Object.keys(cardVerbDataKeys).filter(
      (verb) =>
        ![
          'showHelp',
          'showAwaiting',
          'chatWithExperts',
          // The notifications feature's: the Awaiting Customer Action card's claim.
          'claimIncident',
          'releaseClaim',
          // The containment feature's: Keep isolated and Release on the still-contained card.
          'keepContained',
          'requestRelease',
          'confirmRelease',
          'cancelRelease',
        ].includes(verb),
    );
    assert.deepEqual(Object.keys(handlers).sort(), expected.sort());
  });

  it('sends Release from isolation (request and confirm) to the undo path with the ids only', async () => {
    for (const verb of ['requestUndo', 'confirmUndo'] as const) {
      await handlers[verb](context(verb, { incidentId: '42', actionId: 'a1', reverses: 'x' }));
    }
    assert.deepEqual(
      service.calls.map((c) => [c.method, ...c.args]),
      [
        ['undo', 'requestUndo', { incidentId: '42', actionId: 'a1' }],
        ['undo', 'confirmUndo', { incidentId: '42', actionId: 'a1' }],
      ],
    );
  });

  it('takes tenant, user and chat from the turn, and only ids from the card data', async () => {
    await handlers.runAction(
      context('runAction', { incidentId: '42', actionId: 'a1', tenantId: 'forged', userId: 'x' }),
    );
    const [call] = service.calls;
    assert.deepEqual(call?.args, ['runAction', { incidentId: '42', actionId: 'a1' }]);
    assert.deepEqual(call?.caller, {
      tenantId: 'tenant-from-teams',
      userId: 'aad-alex',
      userName: 'Alex Wilber',
      conversationId: 'a:chat',
      kind: 'personal',
      mri: '29:alex',
    });
  });

  it("hands the service the name typed in this action's box only, cut to 256 characters", async () => {
    await handlers.runAction(
      context('runAction', {
        incidentId: '42',
        actionId: 'a1',
        'deviceName-a1': ' contoso-dc-01 ',
        'deviceName-a2': 'other',
      }),
    );
    await handlers.retryAction(
      context('retryAction', {
        incidentId: '42',
        actionId: 'a2',
        'deviceName-a2': 'x'.repeat(300),
      }),
    );
    await handlers.runAction(
      context('runAction', { incidentId: '42', actionId: 'a3', 'deviceName-a3': 7 }),
    );
    assert.deepEqual(
      service.calls.map((c) => c.args),
      [
        ['runAction', { incidentId: '42', actionId: 'a1' }, ' contoso-dc-01 '],
        ['retryAction', { incidentId: '42', actionId: 'a2' }, 'x'.repeat(256)],
        ['runAction', { incidentId: '42', actionId: 'a3' }],
      ],
    );
  });

  it('answers "out of date" without calling the service when ids are missing or not text', async () => {
    for (const data of [undefined, {}, { incidentId: '42' }, { incidentId: 42, actionId: 'a' }]) {
      const result = await answer(handlers.confirmComplete, context('confirmComplete', data));
      assert.match(JSON.stringify(result.value), /This card is out of date/);
    }
    assert.match(
      JSON.stringify(
        (
          await answer(
            handlers.viewManagedResponse,
            context('viewManagedResponse', { incidentId: '1' }),
          )
        ).value,
      ),
      /out of date/,
    );
    assert.equal(service.calls.length, 0);
  });

  it('turns service results into invoke responses', async () => {
    const card = await answer(
      handlers.refreshManagedResponse,
      context('refreshManagedResponse', { incidentId: '42' }),
    );
    assert.deepEqual(card, {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { type: 'AdaptiveCard', version: '1.5' },
    });
    service.result = { kind: 'message', text: 'Here it is.' };
    const message = await answer(
      handlers.viewManagedResponse,
      context('viewManagedResponse', { tenantId: 't', incidentId: '42' }),
    );
    assert.deepEqual(message, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Here it is.',
    });
    service.result = { kind: 'notice', title: 'Not allowed', text: 'Nope.' };
    const notice = await answer(
      handlers.runAction,
      context('runAction', { incidentId: '42', actionId: 'a' }),
    );
    assert.match(JSON.stringify(notice.value), /Not allowed/);
  });
});
