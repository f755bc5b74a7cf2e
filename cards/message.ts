// message.json: the generic card for outcomes, refusals and lists (a title, a text, facts). The
// views built on it are cards/message-*.ts.
import type { AdaptiveCard } from './adaptive-card.ts';
import { renderCard } from './render-card.ts';

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

export function messageCard(data: MessageCardData): AdaptiveCard {
  return renderCard('message', data);
}
