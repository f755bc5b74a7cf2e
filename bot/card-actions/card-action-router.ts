// Universal Actions (Action.Execute): one handler per verb. Handlers never throw back to Teams;
// the router turns any failure into a card that says what happened.
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { MessageStyle } from '../../cards/message.ts';
import { renderCard } from '../../cards/render-card.ts';
import type { Logger } from '../../src/platform/logger.ts';
import type { TurnOrigin } from '../teams-context.ts';

export interface CardActionContext {
  turn: TurnContext;
  verb: string;
  /** Untrusted data from the card: parse it before use. */
  data: unknown;
  origin: TurnOrigin;
  logger: Logger;
}

export type CardActionHandler = (ctx: CardActionContext) => Promise<AdaptiveCardInvokeResponse>;

export function cardResponse(card: object): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.card.adaptive',
    value: card as Record<string, unknown>,
  };
}

export function noticeResponse(
  title: string,
  text: string,
  style: MessageStyle = 'attention',
): AdaptiveCardInvokeResponse {
  return cardResponse(renderCard('message', { title, text, style, facts: [] }));
}

export class CardActionRouter {
  constructor(private readonly handlers: Readonly<Record<string, CardActionHandler>>) {}

  verbs(): string[] {
    return Object.keys(this.handlers);
  }

  async handle(ctx: CardActionContext): Promise<AdaptiveCardInvokeResponse> {
    const handler = Object.hasOwn(this.handlers, ctx.verb) ? this.handlers[ctx.verb] : undefined;
    if (!handler) {
      ctx.logger.warn({ verb: ctx.verb }, 'unknown card verb');
      return noticeResponse(
        'This button is not available',
        'This card is out of date or the button is not supported. Type **help** to see what I can do.',
      );
    }
    try {
      return await handler(ctx);
    } catch (err) {
      ctx.logger.error({ err, verb: ctx.verb }, 'card action failed');
      return noticeResponse(
        'Something went wrong',
        'I could not complete that just now. Please try again in a moment.',
      );
    }
  }
}
