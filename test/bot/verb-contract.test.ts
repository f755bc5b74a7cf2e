// Every Action.Execute verb in cards/ has a handler, and every handler a declared verb. The
// handler set is assembled as src/main.ts assembles it: the base bot plus each feature's actions.
import assert from 'node:assert/strict';
import { showAwaitingAction } from '../../bot/commands/awaiting-command.ts';
import { createChatFeature } from '../../bot/chat/create-chat-feature.ts';
import { createBot } from '../../bot/create-bot.ts';
import { cardVerbs } from '../../cards/card-verbs.ts';
import { templateExecuteActions } from '../../cards/template-execute-actions.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { DEMO_EXPERTS_SIDE } from '../../src/features/chat/experts-side.ts';
import { ConversationRegistry } from '../../src/shared/conversation-registry.ts';
import { IncidentDirectory } from '../../src/shared/incident-directory.ts';
import { createManagedResponseFeature } from '../../src/features/managed-response/managed-response-feature.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

function appHandledVerbs(): string[] {
  const store = new MemoryStore();
  const logger = createLogger({ level: 'silent' });
  const conversations = new ConversationRegistry(store);
  const managedResponse = createManagedResponseFeature({
    store,
    // Never called while building the handler table.
    defender: {} as never,
    delivery: {} as never,
    conversations,
    incidents: new IncidentDirectory(store),
    logger,
    now: () => new Date(),
    expertsApi: { localMode: true },
  });
  const chat = createChatFeature({
    store,
    delivery: {} as never,
    experts: DEMO_EXPERTS_SIDE,
    tenantOf: () => undefined,
    incidents: new IncidentDirectory(store),
    defender: {} as never,
    logger,
    now: () => new Date(),
  });
  const bot = createBot({
    logger,
    conversations,
    now: () => new Date(),
    organizationName: async () => undefined,
    extraCardActions: {
      ...managedResponse.cardActions,
      ...chat.cardActions,
      showAwaiting: showAwaitingAction({
        tenantOf: () => undefined,
        queueCard: () => Promise.reject(new Error('unused')),
      }),
    },
  });
  return bot.handledVerbs();
}

describe('card verb contract', () => {
  it('every Action.Execute verb in cards/ has a handler, and every handler a verb', () => {
    const inTemplates = new Set(templateExecuteActions().map((a) => String(a.verb)));
    const handled = new Set(appHandledVerbs());
    assert.deepEqual(
      [...inTemplates].filter((v) => !handled.has(v)),
      [],
      'verbs without handler',
    );
    assert.deepEqual(
      [...handled].filter((v) => !(cardVerbs as readonly string[]).includes(v)),
      [],
      'handlers without a declared verb',
    );
  });
});
