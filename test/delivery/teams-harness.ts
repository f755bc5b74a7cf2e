// A real CloudAdapter (empty MicrosoftAppId: no auth) talking to the fake Bot Connector, with a
// ConversationRegistry holding what the bot would have captured at install time.
import { silentLogger, type Logger } from '../../src/platform/logger.ts';
import type { CloudAdapter } from 'botbuilder';
import { createAdapter } from '../../bot/adapter.ts';
import { ProactiveMessenger } from '../../bot/proactive-messenger.ts';
import { loadConfig } from '../../src/config.ts';
import { TeamsRateGate } from '../../src/delivery/teams-rate-gate.ts';
import { ConversationRegistry } from '../../src/shared/conversation-registry.ts';
import type { Store } from '../../src/store/store.ts';
import type { FakeBotConnector, FakeConversation } from '../fakes/fake-bot-connector.ts';

/**
 * The adapter the app runs (createAdapter: local mode, with its turn error handler), so what
 * botbuilder does with a failure inside a proactive turn is what the tests see.
 */
export function localAdapter(logger: Logger = silentLogger): CloudAdapter {
  return createAdapter(loadConfig({}), logger);
}

/** The messenger on localAdapter(). */
export function teamsMessenger(
  store: Store,
  logger: Logger,
  rateGate: TeamsRateGate = new TeamsRateGate(),
): { messenger: ProactiveMessenger; registry: ConversationRegistry } {
  const registry = new ConversationRegistry(store);
  const messenger = new ProactiveMessenger({
    adapter: localAdapter(logger),
    appId: '',
    registry,
    logger,
    rateGate,
  });
  return { messenger, registry };
}

/** Installs the app in a conversation: the fake knows it, the registry holds its reference. */
export async function install(
  connector: FakeBotConnector,
  registry: ConversationRegistry,
  conversation: Omit<FakeConversation, 'id'>,
): Promise<FakeConversation> {
  const created = connector.addConversation(conversation);
  await registry.record({
    conversationId: created.id,
    kind: created.kind,
    tenantId: created.tenantId,
    userId: created.kind === 'personal' ? created.memberIds[0] : undefined,
    reference: connector.referenceFor(created),
    updatedAt: new Date().toISOString(),
  });
  return created;
}

export const quietLogger: Logger = silentLogger;
