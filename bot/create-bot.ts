// Builds the Teams bot from the app's features: their commands in one table, their card actions in
// one router (by verb), their free-text hooks in order. Installation events go to `onInstalled`,
// which buildApp hands to every feature.
import type { Feature } from '../src/app/feature.ts';
import type { Clock } from '../src/platform/clock.ts';
import type { Logger } from '../src/platform/logger.ts';
import type { ConversationRegistry } from '../src/shared/conversation-registry.ts';
import { CardActionRouter } from './card-actions/card-action-router.ts';
import { CommandTable } from './commands/command-table.ts';
import { ManagedResponseBot, type BotDeps } from './managed-response-bot.ts';

export interface CreateBotDeps {
  logger: Logger;
  conversations: ConversationRegistry;
  now: Clock;
  organizationName: (tenantId: string) => Promise<string | undefined>;
  features: readonly Feature[];
  onInstalled?: BotDeps['onInstalled'];
  budget?: BotDeps['budget'];
}

export function createBot(deps: CreateBotDeps): ManagedResponseBot {
  const { features } = deps;
  const freeText = features.flatMap((f) => (f.onFreeText ? [f.onFreeText.bind(f)] : []));
  return new ManagedResponseBot({
    logger: deps.logger,
    conversations: deps.conversations,
    commands: new CommandTable(features.flatMap((f) => f.commands ?? [])),
    cardActions: new CardActionRouter(features.map((f) => f.cardActions ?? {})),
    now: deps.now,
    organizationName: deps.organizationName,
    onFreeText: async (turn) => {
      for (const take of freeText) if (await take(turn)) return true;
      return false;
    },
    ...(deps.onInstalled ? { onInstalled: deps.onInstalled } : {}),
    ...(deps.budget ? { budget: deps.budget } : {}),
  });
}
