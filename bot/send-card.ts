// Sends an Adaptive Card (or the generic message card) as a reply in the current turn.
import { CardFactory, type TurnContext } from 'botbuilder';
import { messageCard, type MessageCardData } from '../cards/message.ts';

export async function sendCard(turn: TurnContext, card: object): Promise<void> {
  await turn.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

export async function sendMessageCard(turn: TurnContext, data: MessageCardData): Promise<void> {
  await sendCard(turn, messageCard(data));
}
