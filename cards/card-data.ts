// The data each template binds to. Every field a template references must be present: the renderer
// refuses to leave `${...}` in a card, so optional parts are arrays that may be empty (an element
// whose `$data` is an empty array is dropped), never missing fields.
import type { CardName } from './card-names.ts';

export interface WelcomeCardData {
  /** Who the card greets: the user's display name in a personal chat, the team's name in a channel. */
  recipientName: string;
  /** The customer organisation the experts protect, e.g. "Contoso". */
  organizationName: string;
}

export interface HelpCommand {
  /** What the user types, e.g. "awaiting". */
  name: string;
  description: string;
  /** A complete example line, e.g. "history 2972395". */
  example: string;
}

export interface HelpCardData {
  commands: readonly HelpCommand[];
}

export interface MessageFact {
  title: string;
  value: string;
}

/** Adaptive Card container styles; `attention` for errors and refusals, `good` for confirmations. */
export type MessageStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface MessageCardData {
  title: string;
  text: string;
  style: MessageStyle;
  /** Shown as a fact list under the text; pass [] for none. */
  facts: readonly MessageFact[];
}

interface CardDataByName {
  help: HelpCardData;
  message: MessageCardData;
  welcome: WelcomeCardData;
}

/**
 * Maps each card name to the data its template binds to. Indexing by CardName makes the compiler
 * reject a name in cardNames that has no entry in CardDataByName (add one with each new template).
 */
export type CardData = { [N in CardName]: CardDataByName[N] };
