// Tells the sender what the relay answered (a refusal, a hint, a confirmation, a transcript).
import { CardFactory, type TurnContext } from 'botbuilder';
import type { ChatOutcome } from '../../src/features/chat/chat-types.ts';

export async function sendOutcome(context: TurnContext, outcome: ChatOutcome): Promise<void> {
  if (outcome.kind !== 'reply') return;
  await context.sendActivity(
    outcome.card
      ? { attachments: [CardFactory.adaptiveCard(outcome.card)], summary: outcome.text }
      : outcome.text,
  );
}
