// The Teams activity handler: transport only. It captures where people can be reached, routes
// text to the command table and card actions to their verb handlers, and says hello on install.
// Each message and each click first takes a unit of the sender's budget (turn-budget.ts).
import type { Clock } from '../src/platform/clock.ts';
import {
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import { messageCard } from '../cards/message.ts';
import { welcomeCard } from '../cards/welcome.ts';
import type { Turn } from '../src/app/feature.ts';
import type { Logger } from '../src/platform/logger.ts';
import type {
  ConversationRecord,
  ConversationRegistry,
} from '../src/shared/conversation-registry.ts';
import { invokeResponse, type CardActionRouter } from './card-actions/card-action-router.ts';
import type { CommandTable } from './commands/command-table.ts';
import { conversationRecord, turnOrigin } from './teams-context.ts';
import { teamsTurn } from './teams-turn.ts';
import { admitTurn, refusalFor, type TurnBudget, type TurnRefusal } from './turn-budget.ts';
import { attachTurnLogger, turnLogger } from './turn-logger.ts';

export interface BotDeps {
  logger: Logger;
  conversations: ConversationRegistry;
  commands: CommandTable;
  cardActions: CardActionRouter;
  /** The customer organisation's display name for a tenant id (welcome card). */
  organizationName: (tenantId: string) => Promise<string | undefined>;
  /** Called when the app is installed or the bot added somewhere (deliveries waiting may resume). */
  onInstalled?: (record: ConversationRecord) => Promise<void>;
  /** Free text that is not a command (e.g. chat relay); returns true when it took the message. */
  onFreeText?: (turn: Turn) => Promise<boolean>;
  /** Budgets per user and tenant on messages and clicks; none = unlimited. */
  budget?: TurnBudget;
  now: Clock;
}

export class ManagedResponseBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();

    this.onMessage(async (context, next) => {
      await this.remember(context);
      await this.handleText(context);
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await this.remember(context, true);
      await this.sendWelcome(context);
      await next();
    });

    this.onInstallationUpdateRemove(async (context, next) => {
      await this.forget(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if (context.activity.membersAdded?.some((m) => m.id === botId)) {
        // Teams also sends installationUpdate, which says hello; here we only remember the place.
        await this.remember(context, true);
      }
      await next();
    });

    this.onMembersRemoved(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if (context.activity.membersRemoved?.some((m) => m.id === botId)) await this.forget(context);
      await next();
    });
  }

  /** Verbs with a handler (the contract with Action.Execute buttons in cards/). */
  handledVerbs(): string[] {
    return this.deps.cardActions.verbs();
  }

  override async run(context: TurnContext): Promise<void> {
    attachTurnLogger(context, this.deps.logger);
    await super.run(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    await this.remember(context);
    const action = invokeValue.action ?? {};
    const turn = teamsTurn(context, turnLogger(context, this.deps.logger));
    const refused = await admitTurn(this.deps.budget, 'cardAction', turn.from);
    // A message answer: Teams keeps the clicked card, buttons and all, for a later click.
    if (refused) return invokeResponse({ kind: 'message', text: refused.text });
    const verb = typeof action.verb === 'string' ? action.verb : '';
    return invokeResponse(await this.deps.cardActions.handle(turn, verb, action.data));
  }

  private async handleText(context: TurnContext): Promise<void> {
    const logger = turnLogger(context, this.deps.logger);
    const submitted = context.activity.value as { verb?: unknown } | undefined;
    if (!context.activity.text && typeof submitted?.verb === 'string') {
      await this.handleSubmitFallback(context, submitted.verb, logger);
      return;
    }
    const hasAttachments = (context.activity.attachments ?? []).some(
      (a) => a.contentType !== 'text/html',
    );
    TurnContext.removeRecipientMention(context.activity);
    const text = (context.activity.text ?? '').replace(/<at>[^<]*<\/at>/g, '').trim();
    const turn = teamsTurn(context, logger);
    const refused = await admitTurn(this.deps.budget, 'message', turn.from);
    if (refused) {
      await this.sendRefusal(context, refused, logger);
      return;
    }
    try {
      if (await this.route(turn, text, hasAttachments, logger)) return;
    } catch (err) {
      const refusal = refusalFor(err);
      if (!refusal) throw err;
      logger.info({ reason: (err as Error).name }, 'message refused: over budget or Defender busy');
      await this.sendRefusal(context, refusal, logger);
      return;
    }
    await context.sendActivity(
      text
        ? `I didn't understand "${truncate(text, 60)}". Type **help** to see what I can do.`
        : 'Type **help** to see what I can do.',
    );
  }

  /** Runs the command or the free-text hook; false when nothing took the text. */
  private async route(
    turn: Turn,
    text: string,
    hasAttachments: boolean,
    logger: Logger,
  ): Promise<boolean> {
    const match = this.deps.commands.match(text);
    if (match) {
      logger.info({ command: match.command.name }, 'command');
      await match.command.run({ ...turn, args: match.args });
      return true;
    }
    // Free text goes with mentions already cut out; the relay reads the message itself, which
    // keeps formatting and other people's names.
    return Boolean(
      (text || hasAttachments) && this.deps.onFreeText && (await this.deps.onFreeText(turn)),
    );
  }

  /**
   * The slow-down (or Defender-busy) card. Teams may throttle a flood of these as well: then the
   * sender sees fewer cards, and the turn still ends quietly rather than as an error.
   */
  private async sendRefusal(
    context: TurnContext,
    refusal: TurnRefusal,
    logger: Logger,
  ): Promise<void> {
    try {
      await context.sendActivity({
        attachments: [CardFactory.adaptiveCard(messageCard(refusal.card))],
        summary: refusal.text,
      });
    } catch (err) {
      logger.warn({ err }, 'could not send the slow-down card');
    }
  }

  /** Old clients send an Action.Execute's Action.Submit fallback as a message with `value`. */
  private async handleSubmitFallback(
    context: TurnContext,
    verb: string,
    logger: Logger,
  ): Promise<void> {
    const turn = teamsTurn(context, logger);
    const refused = await admitTurn(this.deps.budget, 'cardAction', turn.from);
    if (refused) {
      await this.sendRefusal(context, refused, logger);
      return;
    }
    const response = invokeResponse(
      await this.deps.cardActions.handle(turn, verb, context.activity.value),
    );
    if (response.type === 'application/vnd.microsoft.card.adaptive') {
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(response.value)] });
    } else if (typeof response.value === 'string') {
      await context.sendActivity(response.value);
    }
  }

  private async sendWelcome(context: TurnContext): Promise<void> {
    const origin = turnOrigin(context.activity);
    const team = (context.activity.channelData as { team?: { name?: string } } | undefined)?.team;
    const card = welcomeCard({
      recipientName: (origin.kind === 'personal' ? origin.userName : team?.name) ?? 'there',
      organizationName: (await this.deps.organizationName(origin.tenantId)) ?? 'your organisation',
    });
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  }

  private async remember(context: TurnContext, installed = false): Promise<void> {
    const record = conversationRecord(context.activity, this.deps.now().toISOString());
    if (!record.tenantId || !record.conversationId) return;
    let outcome: Awaited<ReturnType<ConversationRegistry['record']>>;
    try {
      outcome = await this.deps.conversations.record(record);
    } catch (err) {
      // An install must be recorded (it is how the bot reaches the chat later): it fails the
      // turn. A message or a click is answered anyway; the chat is already known, or the next
      // activity records it (100 first clicks at once in one chat raced on its index entry).
      if (installed) throw err;
      turnLogger(context, this.deps.logger).warn(
        { err, conversationId: record.conversationId },
        'conversation not recorded; answering the activity anyway',
      );
      return;
    }
    if (outcome === 'refused') {
      const logger = turnLogger(context, this.deps.logger);
      logger.warn({ tenantId: record.tenantId }, 'refused a conversation id of another tenant');
      return;
    }
    if (installed) await this.deps.onInstalled?.(record);
  }

  private async forget(context: TurnContext): Promise<void> {
    const record = conversationRecord(context.activity, this.deps.now().toISOString());
    const removed = await this.deps.conversations.remove(record.conversationId, record.tenantId);
    turnLogger(context, this.deps.logger).info({ removed }, 'bot uninstalled from conversation');
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
