// Builds the bot's command table and card-action routes from the services it is given.
import type { Logger } from '../src/logger.ts';
import type { ConversationRegistry } from '../src/services/conversation-registry.ts';
import { CardActionRouter, cardResponse } from './card-actions/card-action-router.ts';
import { CommandTable, type Command } from './commands/command-table.ts';
import { helpCard, helpCommand } from './commands/help-command.ts';
import { ManagedResponseBot } from './managed-response-bot.ts';

export interface CreateBotDeps {
  logger: Logger;
  conversations: ConversationRegistry;
  now: () => Date;
  organizationName: (tenantId: string) => Promise<string | undefined>;
  /** Commands added by later features (awaiting queue, contacts, chat...). */
  extraCommands?: Command[];
}

export function createBot(deps: CreateBotDeps): ManagedResponseBot {
  const commands: CommandTable = new CommandTable([
    helpCommand(() => commands.list()),
    ...(deps.extraCommands ?? []),
  ]);
  const cardActions = new CardActionRouter({
    showHelp: async () => cardResponse(helpCard(commands.list())),
  });
  return new ManagedResponseBot({
    logger: deps.logger,
    conversations: deps.conversations,
    commands,
    cardActions,
    now: deps.now,
    organizationName: deps.organizationName,
  });
}
