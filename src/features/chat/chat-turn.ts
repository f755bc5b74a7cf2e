// A chat message out of a turn: who wrote it where (tenant, user, conversation with its thread
// root), the text with the bot's mention removed, and what is attached.
import { randomUUID } from 'node:crypto';
import type { Caller, Turn } from '../../app/feature.ts';
import { stripMentions } from './chat-text.ts';
import type { ChatMessage, ChatSender } from './chat-types.ts';

export function chatSender(from: Caller): ChatSender {
  return {
    tenantId: from.tenantId,
    ...(from.userId ? { userId: from.userId } : {}),
    ...(from.userName ? { userName: from.userName } : {}),
    conversationId: from.conversationId,
    kind: from.kind,
    ...(from.channelId ? { channelId: from.channelId } : {}),
  };
}

/** `text` overrides the message's text (e.g. a command's arguments). */
export function chatMessage(turn: Turn, text?: string): ChatMessage {
  const { message } = turn;
  return {
    sender: chatSender(turn.from),
    // Teams always sends an id; without one the message cannot be de-duplicated, only relayed.
    activityId: message.id || `local-${randomUUID()}`,
    text: stripMentions(text ?? message.text, message.botName ? [message.botName] : []),
    attachments: message.attachments,
  };
}
