import assert from 'node:assert/strict';
import type { TurnContext } from 'botbuilder';
import type { CardActionContext } from '../../bot/card-actions/card-action-router.ts';
import { managedResponseCardActions } from '../../bot/card-actions/managed-response-actions.ts';
import { cardVerbDataKeys } from '../../cards/card-verbs.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type {
  CardActionResult,
  CardActionService,
  CardCaller,
} from '../../src/features/managed-response/card-action-service.ts';

class FakeService {
  readonly calls: { method: string; caller: CardCaller; args: unknown[] }[] = [];
  result: CardActionResult = { kind: 'card', card: { type: 'AdaptiveCard', version: '1.5' } };
  async act(verb: string, caller: CardCaller, ids: unknown) {
    this.calls.push({ method: 'act', caller, args: [verb, ids] });
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

function context(verb: string, data: unknown): CardActionContext {
  return {
    turn: {
      activity: { from: { id: '29:alex', aadObjectId: 'aad-alex' } },
    } as unknown as TurnContext,
    verb,
    data,
    origin: {
      tenantId: 'tenant-from-teams',
      userId: 'aad-alex',
      userName: 'Alex Wilber',
      conversationId: 'a:chat',
      kind: 'personal',
    },
    logger: createLogger({ level: 'silent' }),
  };
}

describe('managed-response card-action handlers', () => {
  let service: FakeService;
  let handlers: ReturnType<typeof managedResponseCardActions>;
  beforeEach(() => {
    service = new FakeService();
    handlers = managedResponseCardActions(service as unknown as CardActionService);
  });

  it('handles exactly the managed-response verbs of the cards', () => {
    const expected = Object.keys(cardVerbDataKeys).filter(
      (verb) => !['showHelp', 'showAwaiting', 'chatWithExperts'].includes(verb),
    );
    assert.deepEqual(Object.keys(handlers).sort(), expected.sort());
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

  it('answers "out of date" without calling the service when ids are missing or not text', async () => {
    for (const data of [undefined, {}, { incidentId: '42' }, { incidentId: 42, actionId: 'a' }]) {
      const answer = await handlers.confirmComplete(context('confirmComplete', data));
      assert.match(JSON.stringify(answer.value), /This card is out of date/);
    }
    assert.match(
      JSON.stringify(
        (await handlers.viewManagedResponse(context('viewManagedResponse', { incidentId: '1' })))
          .value,
      ),
      /out of date/,
    );
    assert.equal(service.calls.length, 0);
  });

  it('turns service results into invoke responses', async () => {
    const card = await handlers.refreshManagedResponse(
      context('refreshManagedResponse', { incidentId: '42' }),
    );
    assert.deepEqual(card, {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { type: 'AdaptiveCard', version: '1.5' },
    });
    service.result = { kind: 'message', text: 'Here it is.' };
    const message = await handlers.viewManagedResponse(
      context('viewManagedResponse', { tenantId: 't', incidentId: '42' }),
    );
    assert.deepEqual(message, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Here it is.',
    });
    service.result = { kind: 'notice', title: 'Not allowed', text: 'Nope.' };
    const notice = await handlers.runAction(
      context('runAction', { incidentId: '42', actionId: 'a' }),
    );
    assert.match(JSON.stringify(notice.value), /Not allowed/);
  });
});
