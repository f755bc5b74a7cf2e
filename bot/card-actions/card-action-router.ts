// Universal Actions (Action.Execute): one handler per verb, from the features. Handlers never throw
// back to Teams; the router turns an unknown verb or any failure into a card that says what
// happened, and the neutral result into the invoke response Teams expects.
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { messageCard, type MessageStyle } from '../../cards/message.ts';
import { isCardVerb } from '../../cards/card-verbs.ts';
import type {
  CardActionHandler,
  CardActionResult,
  CardActions,
  Turn,
} from '../../src/app/feature.ts';
import { refusalFor } from '../turn-budget.ts';

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
  return cardResponse(messageCard({ title, text, style, facts: [] }));
}

/** The invoke response of a card action's result. */
export function invokeResponse(result: CardActionResult): AdaptiveCardInvokeResponse {
  switch (result.kind) {
    case 'card':
      return cardResponse(result.card);
    case 'notice':
      return noticeResponse(result.title, result.text, result.style);
    case 'message':
      // Teams shows the text and leaves the clicked card as it was (Universal Actions).
      return {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        // A message response carries a string; botbuilder types `value` as an object only.
        value: result.text as unknown as Record<string, unknown>,
      };
  }
}

export class CardActionRouter {
  readonly #handlers: CardActions;

  /** Throws when two features handle the same verb. */
  constructor(actions: readonly CardActions[]) {
    const handlers: CardActions = {};
    for (const set of actions) {
      for (const [verb, handler] of Object.entries(set) as [
        keyof CardActions,
        CardActionHandler,
      ][]) {
        if (handlers[verb]) throw new Error(`Two handlers for the card verb ${verb}`);
        handlers[verb] = handler;
      }
    }
    this.#handlers = handlers;
  }

  verbs(): string[] {
    return Object.keys(this.#handlers);
  }

  async handle(turn: Turn, verb: string, data: unknown): Promise<CardActionResult> {
    const handler = isCardVerb(verb) ? this.#handlers[verb] : undefined;
    if (!isCardVerb(verb) || !handler) {
      turn.logger.warn({ verb }, 'unknown card verb');
      return {
        kind: 'notice',
        title: 'This button is not available',
        text: 'This card is out of date or the button is not supported. Type **help** to see what I can do.',
      };
    }
    try {
      return await handler({ ...turn, verb, data });
    } catch (err) {
      // Over a budget, or Defender busy: nothing was done; the clicked card stays for later.
      const refusal = refusalFor(err);
      if (refusal) {
        turn.logger.info({ verb, reason: (err as Error).name }, 'card action refused for now');
        return { kind: 'message', text: refusal.text };
      }
      turn.logger.error({ err, verb }, 'card action failed');
      return {
        kind: 'notice',
        title: 'Something went wrong',
        text: 'I could not complete that just now. Please try again in a moment.',
      };
    }
  }
}
