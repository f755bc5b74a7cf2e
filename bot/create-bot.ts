// Builds the bot's command table and card-action routes from the services it is given.
import type { Clock } from '../src/platform/clock.ts';
import type { Logger } from '../src/platform/logger.ts';
import type { ConversationRegistry } from '../src/shared/conversation-registry.ts';
import {
  CardActionRouter,
  cardResponse,
  type CardActionHandler,
} from './card-actions/card-action-router.ts';
import { CommandTable, type Command } from './commands/command-table.ts';
import { helpCard, helpCommand } from './commands/help-command.ts';
import { ManagedResponseBot, type BotDeps } from './managed-response-bot.ts';

export interface CreateBotDeps {
  logger: Logger;
  conversations: ConversationRegistry;
  now: Clock;
  organizationName: (tenantId: string) => Promise<string | undefined>;
  /** Commands added by features (awaiting queue, contacts, chat...). */
  extraCommands?: Command[];
  /** Card-action handlers added by features, by verb (see cards/card-verbs.ts). */
  extraCardActions?: Readonly<Record<string, CardActionHandler>>;
  /** Free text that is not a command (chat relay); returns true when it took the message. */
  onFreeText?: BotDeps['onFreeText'];
  onInstalled?: BotDeps['onInstalled'];
}

export function createBot(deps: CreateBotDeps): ManagedResponseBot {
  const commands: CommandTable = new CommandTable([
    helpCommand(() => commands.list()),
    ...(deps.extraCommands ?? []),
  ]);
  const cardActions = new CardActionRouter({
    showHelp: async () => cardResponse(helpCard(commands.list())),
    ...deps.extraCardActions,
  });
  return new ManagedResponseBot({
    logger: deps.logger,
    conversations: deps.conversations,
    commands,
    cardActions,
    now: deps.now,
    organizationName: deps.organizationName,
    onFreeText: deps.onFreeText,
    onInstalled: deps.onInstalled,
  });
}
