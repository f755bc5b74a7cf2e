// `chatWithExperts` {incidentId} on any incident card: binds the conversation the card is in (a
// personal chat, or the incident's channel thread) to that incident, and says so in it. The
// invoke answers with a message, not a card, so the incident card the user clicked stays as it is.
import { z } from 'zod';
import { withData, type CardActionHandler } from '../../app/feature.ts';
import type { ChatRelay } from './chat-relay.ts';
import { chatSender } from './chat-turn.ts';

const dataSchema = z.looseObject({ incidentId: z.string().min(1).max(64) });

export function chatWithExpertsAction(relay: ChatRelay): CardActionHandler {
  return withData(
    dataSchema,
    {
      title: 'This button is out of date',
      text: 'It does not say which incident it is about. Type **chat** followed by the incident number instead.',
    },
    async ({ from, reply }, { incidentId }) => {
      const outcome = await relay.bind(chatSender(from), incidentId);
      if (outcome.kind !== 'reply') return { kind: 'message', text: 'Done.' };
      if (outcome.refused) return { kind: 'message', text: outcome.text };
      await reply.text(outcome.text);
      return {
        kind: 'message',
        text: `Chat with the ${relay.experts.name} opened: type your message.`,
      };
    },
  );
}
