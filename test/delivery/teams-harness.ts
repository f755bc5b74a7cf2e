// A real CloudAdapter (empty MicrosoftAppId: no auth) talking to the fake Bot Connector, with a
// ConversationRegistry holding what the bot would have captured at install time.
import { silentLogger, type Logger } from '../../src/platform/logger.ts';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ProactiveMessenger } from '../../bot/proactive-messenger.ts';
import { TeamsRateGate } from '../../src/delivery/teams-rate-gate.ts';
import { ConversationRegistry } from '../../src/shared/conversation-registry.ts';
import type { Store } from '../../src/store/store.ts';
import type { FakeBotConnector, FakeConversation } from '../fakes/fake-bot-connector.ts';

export function localAdapter(): CloudAdapter {
  return new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' }),
  );
}

export function teamsMessenger(
  store: Store,
  logger: Logger,
  rateGate: TeamsRateGate = new TeamsRateGate(),
): { messenger: ProactiveMessenger; registry: ConversationRegistry } {
  const registry = new ConversationRegistry(store);
  const messenger = new ProactiveMessenger({
    adapter: localAdapter(),
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
