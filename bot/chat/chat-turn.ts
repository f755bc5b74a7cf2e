// Reads a chat message out of a Teams turn: who wrote it where (tenant, user, conversation with
// its thread root), the text with the bot's mention removed, and what is attached.
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { stripMentions } from '../../src/features/chat/chat-text.ts';
import type { ChatMessage, ChatSender } from '../../src/features/chat/chat-types.ts';
import { turnOrigin } from '../teams-context.ts';

export function chatSender(context: TurnContext): ChatSender {
  const origin = turnOrigin(context.activity);
  return {
    tenantId: origin.tenantId,
    ...(origin.userId ? { userId: origin.userId } : {}),
    ...(origin.userName ? { userName: origin.userName } : {}),
    conversationId: origin.conversationId,
    kind: origin.kind,
    ...(origin.channelId ? { channelId: origin.channelId } : {}),
  };
}

/** `text` overrides the activity's text (e.g. a command's arguments). */
export function chatMessage(context: TurnContext, text?: string): ChatMessage {
  const activity = context.activity;
  const botName = activity.recipient?.name;
  return {
    sender: chatSender(context),
    // Teams always sends an id; without one the message cannot be de-duplicated, only relayed.
    activityId: activity.id || `local-${randomUUID()}`,
    text: stripMentions(text ?? activity.text ?? '', botName ? [botName] : []),
    attachments: (activity.attachments ?? []).map((a) => ({
      contentType: a.contentType,
      ...(a.name ? { name: a.name } : {}),
    })),
  };
}
