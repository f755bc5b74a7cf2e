// `chatWithExperts` {incidentId} on any incident card: binds the conversation the card is in (a
// personal chat, or the incident's channel thread) to that incident, and says so in it. The
// invoke answers with a message, not a card, so the incident card the user clicked stays as it is.
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import type { ChatRelay } from '../../src/features/chat/chat-relay.ts';
import { noticeResponse, type CardActionHandler } from '../card-actions/card-action-router.ts';
import { chatSender } from './chat-turn.ts';

const dataSchema = z.looseObject({ incidentId: z.string().min(1).max(64) });

export function chatWithExpertsAction(relay: ChatRelay): CardActionHandler {
  return async ({ turn, data, logger }) => {
    const parsed = dataSchema.safeParse(data);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.length }, 'chatWithExperts without an incident');
      return noticeResponse(
        'This button is out of date',
        'It does not say which incident it is about. Type **chat** followed by the incident number instead.',
      );
    }
    const outcome = await relay.bind(chatSender(turn), parsed.data.incidentId);
    if (outcome.kind !== 'reply') return messageResponse('Done.');
    if (outcome.refused) return messageResponse(outcome.text);
    await turn.sendActivity(outcome.text);
    return messageResponse(`Chat with the ${relay.experts.name} opened: type your message.`);
  };
}

function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    // A message response carries a string; botbuilder types `value` as an object only.
    value: text as unknown as Record<string, unknown>,
  };
}
