// How the relay names people and places in messages and notices.
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { CustomerConversation } from './chat-records.ts';
import type { ChatSender } from './chat-types.ts';

/** "Dana Whitfield" → "Dana"; "Whitfield, Dana" → "Dana". */
export function firstName(displayName: string | undefined): string {
  const name = (displayName ?? '').trim();
  const given = name.includes(',') ? (name.split(',')[1] ?? '') : name;
  return given.trim().split(/\s+/)[0] || 'An expert';
}

export function customerConversationOf(
  sender: ChatSender,
  tenant: CustomerTenant,
  now: string,
): CustomerConversation {
  return {
    conversationId: sender.conversationId,
    kind: sender.kind,
    ...(sender.userId && sender.kind === 'personal' ? { userId: sender.userId } : {}),
    label: conversationLabel(sender, tenant),
    joinedAt: now,
  };
}

function conversationLabel(sender: ChatSender, tenant: CustomerTenant): string {
  if (sender.kind === 'personal')
    return `${sender.userName ?? 'a contact'}'s chat at ${tenant.name}`;
  if (sender.kind === 'groupChat') return `${tenant.name}'s group chat`;
  const channel = tenant.socChannels.find(
    (c) => c.channelId.toLowerCase() === (sender.channelId ?? '').toLowerCase(),
  );
  return `${tenant.name}'s ${channel?.name ?? 'SOC'} channel thread`;
}

/** Adds the conversation, or keeps the one already there (its first join time). */
export function withCustomer(
  customers: readonly CustomerConversation[],
  conversation: CustomerConversation,
): CustomerConversation[] {
  return customers.some((c) => c.conversationId === conversation.conversationId)
    ? [...customers]
    : [...customers, conversation];
}
