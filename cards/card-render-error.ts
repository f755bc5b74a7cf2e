// Raised for a card that must not be sent: an unbound `${...}`, a templating warning, a broken
// template, or a card over the Teams size budget. A defect in our code or data, never user input.
export type CardRenderErrorCode =
  'CARD_TEMPLATE_INVALID' | 'CARD_BINDING_FAILED' | 'CARD_TOO_LARGE';

export class CardRenderError extends Error {
  readonly code: CardRenderErrorCode;
  /** The template name, or 'unknown' when a finished card is checked on its own. */
  readonly cardName: string;
  /** The offending expression or warning text, when there is one. */
  readonly expression: string | undefined;
  /** CARD_TOO_LARGE: the card's size in bytes (UTF-16, as cardSizeBytes counts). */
  readonly sizeBytes: number | undefined;

  constructor(args: {
    code: CardRenderErrorCode;
    cardName: string;
    message: string;
    expression?: string;
    sizeBytes?: number;
  }) {
    super(args.message);
    this.name = 'CardRenderError';
    this.code = args.code;
    this.cardName = args.cardName;
    this.expression = args.expression;
    this.sizeBytes = args.sizeBytes;
  }
}
