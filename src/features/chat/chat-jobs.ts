// Delivery jobs of the chat relay, and the keys that tie them together:
// - the experts' thread of an incident is the message recorded under threadMessageKey (its header
//   card); every relayed message and notice is a threaded reply under it;
// - each relayed message records its own location under relayMessageKey(jobId), which is how the
//   tracker learns that it was delivered;
// - ordering keys are per incident and per destination, so one unreachable customer chat holds
//   only its own messages, never the experts' thread or another customer conversation.
import { createHash } from 'node:crypto';
import { chatHeaderCard, type ChatHeaderCardData } from '../../../cards/chat-header.ts';
import type { DeliveryJob, DeliveryTarget, OutgoingActivity } from '../../delivery/delivery-job.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { CustomerConversation } from './chat-records.ts';

export interface ExpertsSide {
  tenantId: string;
  /** The experts' "Customer conversations" channel: one thread per incident. */
  channelId: string;
  /** How the experts sign their replies: "Defender Experts". */
  name: string;
}

export function threadMessageKey(tenantId: string, incidentId: string): string {
  return `chat-thread:${tenantId.toLowerCase()}:${incidentId}`;
}

export function relayMessageKey(jobId: string): string {
  return `chat-msg:${jobId}`;
}

export function expertsOrderingKey(tenantId: string, incidentId: string): string {
  return `chat:${tenantId.toLowerCase()}:${incidentId}:experts`;
}

export function customerOrderingKey(
  tenantId: string,
  incidentId: string,
  conversationId: string,
): string {
  return `chat:${tenantId.toLowerCase()}:${incidentId}:customer:${shortHash(conversationId)}`;
}

/** A short stable id for a conversation id inside job ids and keys. */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

export function expertsTarget(experts: ExpertsSide): DeliveryTarget {
  return { kind: 'conversation', tenantId: experts.tenantId, conversationId: experts.channelId };
}

/**
 * A personal chat is reached through its user (so a reinstall resumes parked replies); a channel
 * thread or group chat through its conversation id, which keeps the thread's ";messageid=".
 */
export function customerTarget(
  tenantId: string,
  conversation: CustomerConversation,
): DeliveryTarget {
  return conversation.kind === 'personal' && conversation.userId
    ? { kind: 'personal', tenantId, userId: conversation.userId }
    : { kind: 'conversation', tenantId, conversationId: conversation.conversationId };
}

export function textJob(input: {
  id: string;
  orderingKey: string;
  target: DeliveryTarget;
  text: string;
  createdAt: string;
  replyToMessageKey?: string;
  messageKey?: string;
}): DeliveryJob {
  return {
    id: input.id,
    orderingKey: input.orderingKey,
    target: input.target,
    operation: {
      kind: 'send',
      // The summary is what notifications and the chat list show: no markup there.
      activity: { text: input.text, summary: plainSummary(input.text) },
      ...(input.replyToMessageKey ? { replyToMessageKey: input.replyToMessageKey } : {}),
    },
    ...(input.messageKey ? { messageKey: input.messageKey } : {}),
    createdAt: input.createdAt,
  };
}

/** A notice in the experts' thread of the incident (failures, waiting replies). */
export function expertsNoticeJob(
  experts: ExpertsSide,
  tenantId: string,
  incidentId: string,
  id: string,
  text: string,
  createdAt: string,
): DeliveryJob {
  return textJob({
    id,
    orderingKey: expertsOrderingKey(tenantId, incidentId),
    target: expertsTarget(experts),
    replyToMessageKey: threadMessageKey(tenantId, incidentId),
    text,
    createdAt,
  });
}

/** A notice in a customer conversation (delivery confirmations, failures). */
export function customerNoticeJob(
  tenantId: string,
  incidentId: string,
  conversation: CustomerConversation,
  id: string,
  text: string,
  createdAt: string,
): DeliveryJob {
  return textJob({
    id,
    orderingKey: customerOrderingKey(tenantId, incidentId, conversation.conversationId),
    target: customerTarget(tenantId, conversation),
    text,
    createdAt,
  });
}

function plainSummary(text: string): string {
  const plain = text
    .replace(/<[^>]+>/g, '')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}

/** The header card that opens an incident's thread, as the activity to send or edit. */
export function chatHeaderActivity(data: ChatHeaderCardData): OutgoingActivity {
  return cardActivity(
    chatHeaderCard(data),
    `${data.organizationName} · incident ${data.incidentId}: ${data.title}`,
  );
}
