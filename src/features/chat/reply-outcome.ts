// Tells the sender what the relay answered (a refusal, a hint, a confirmation, a transcript).
import type { Reply } from '../../app/feature.ts';
import type { ChatOutcome } from './chat-types.ts';

export async function replyOutcome(reply: Reply, outcome: ChatOutcome): Promise<void> {
  if (outcome.kind !== 'reply') return;
  if (outcome.card) await reply.card(outcome.card, outcome.text);
  else await reply.text(outcome.text);
}
