// Sends an Adaptive Card (or the generic message card) as a reply in the current turn.
import { CardFactory, type TurnContext } from 'botbuilder';
import type { MessageCardData } from '../cards/message.ts';
import { renderCard } from '../cards/render-card.ts';

export async function sendCard(turn: TurnContext, card: object): Promise<void> {
  await turn.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

export async function sendMessageCard(turn: TurnContext, data: MessageCardData): Promise<void> {
  await sendCard(turn, renderCard('message', data));
}
