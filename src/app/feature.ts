// What a feature is: the commands it answers, the card actions it handles (keyed by the verbs of
// cards/card-verbs.ts), its HTTP routes, the app events it reacts to, and its background work.
// buildApp (src/app/build-app.ts) assembles the features; bot/ turns Teams activities into the
// transport-neutral turns below and the neutral results back into Teams answers, so no feature
// imports botbuilder.
import type { Server } from 'restify';
import type { z } from 'zod';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import type { CardVerb } from '../../cards/card-verbs.ts';
import type { MessageStyle } from '../../cards/message.ts';
import type { DeliveryTarget } from '../delivery/delivery-job.ts';
import type { Logger } from '../platform/logger.ts';
import type { ConversationKind, ConversationRecord } from '../shared/conversation-registry.ts';
import type { OutboxEvent } from '../watcher/outbox.ts';

/** Who wrote or clicked, and where, as Teams reported it (never from card data). */
export interface Caller {
  /** The tenant Teams reports for the conversation (channelData.tenant.id). */
  tenantId: string;
  /** Entra object id. */
  userId?: string;
  userName?: string;
  /** The user's Teams id ("29:…"), as refresh.userIds wants it. */
  teamsUserId?: string;
  /** Full conversation id; a channel thread keeps its ";messageid=<root>". */
  conversationId: string;
  kind: ConversationKind;
  teamId?: string;
  teamName?: string;
  channelId?: string;
  channelName?: string;
}

/** Someone @mentioned in the message (the bot itself left out). */
export interface Mention {
  id: string;
  name?: string;
}

export interface IncomingMessage {
  /** The Teams activity id ('' when Teams sent none). */
  id: string;
  /** As Teams sent it, the bot's own mention cut out; formatting and other mentions kept. */
  text: string;
  attachments: readonly { contentType: string; name?: string }[];
  mentions: readonly Mention[];
  /** The bot's display name, as it appears in <at> mentions. */
  botName?: string;
}

/** A conversation member as the Teams roster knows them. */
export interface MemberInfo {
  aadObjectId?: string;
  name?: string;
  tenantId?: string;
}

/** Answers in the conversation the turn came from. */
export interface Reply {
  text(text: string): Promise<void>;
  /** `summary` is what Teams shows in notifications and the chat list. */
  card(card: AdaptiveCard, summary?: string): Promise<void>;
}

/** One incoming Teams activity, as features see it. */
export interface Turn {
  from: Caller;
  message: IncomingMessage;
  reply: Reply;
  /** Looks someone up in this conversation's roster by Teams id, UPN or object id. */
  lookupMember(id: string): Promise<MemberInfo | undefined>;
  logger: Logger;
}

export interface CommandContext extends Turn {
  /** Text after the command word, trimmed. */
  args: string;
}

/** A text command, found by its first word (bot/commands/command-table.ts). */
export interface Command {
  name: string;
  aliases?: string[];
  description: string;
  example?: string;
  run(ctx: CommandContext): Promise<void>;
}

/** What a card click answers; bot/ turns it into the invoke response. */
export type CardActionResult =
  /** The clicked card is replaced by this one (e.g. the clicker's own view). */
  | { kind: 'card'; card: AdaptiveCard }
  /** Teams shows the text and leaves the clicked card as it was. */
  | { kind: 'message'; text: string }
  /** A message card instead of the clicked card (refusals, out-of-date buttons). */
  | { kind: 'notice'; title: string; text: string; style?: MessageStyle };

export interface CardActionContext extends Turn {
  verb: CardVerb;
  /** Untrusted data from the card: parse it before use (see withData). */
  data: unknown;
}

export type CardActionHandler = (ctx: CardActionContext) => Promise<CardActionResult>;

/** Handlers by verb: a key that is not a CardVerb does not compile. */
export type CardActions = Partial<Record<CardVerb, CardActionHandler>>;

/**
 * A handler that gets the card's data parsed by `schema` (ids only: everything else is loaded
 * and checked server-side). Data that does not parse answers `invalid`, and is logged.
 */
export function withData<T>(
  schema: z.ZodType<T>,
  invalid: { title: string; text: string },
  handle: (ctx: CardActionContext, data: T) => Promise<CardActionResult>,
): CardActionHandler {
  return async (ctx) => {
    const parsed = schema.safeParse(ctx.data);
    if (!parsed.success) {
      ctx.logger.warn({ verb: ctx.verb, issues: parsed.error.issues.length }, 'card data invalid');
      return { kind: 'notice', ...invalid };
    }
    return handle(ctx, parsed.data);
  };
}

/** Why a delivery target was parked (Teams answered 403, or the app is not installed there). */
export interface UnreachableReason {
  code?: string;
  status: number;
}

/**
 * One feature of the app. Every part is optional. Background work runs only between start() and
 * stop(), so that the app (later: per customer tenant this instance owns) decides when it runs.
 */
export interface Feature {
  readonly name: string;
  commands?: readonly Command[];
  cardActions?: CardActions;
  /** Registers the feature's HTTP routes (e.g. the Experts API). */
  routes?(server: Server): void;
  /** An incident changed (after the notifications for it were planned). */
  onIncidentEvent?(event: OutboxEvent): Promise<void>;
  /** The app was installed, or the bot added, somewhere. */
  onInstalled?(record: ConversationRecord): Promise<void>;
  /** The delivery engine parked a target it cannot reach. */
  onUnreachable?(target: DeliveryTarget, reason: UnreachableReason): Promise<void>;
  /** Text that is no command; resolves true when the feature took it. */
  onFreeText?(turn: Turn): Promise<boolean>;
  start?(): void;
  stop?(): Promise<void>;
}
