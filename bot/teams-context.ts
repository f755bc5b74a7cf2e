// Reads who and where a turn is from (tenant, user, chat kind) out of a Teams activity.
import {
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationAccount,
  type ConversationReference,
} from 'botbuilder';
import type { ConversationKind, ConversationRecord } from '../src/shared/conversation-registry.ts';

export interface TurnOrigin {
  tenantId: string;
  userId?: string;
  userName?: string;
  conversationId: string;
  kind: ConversationKind;
  teamId?: string;
  channelId?: string;
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; aadGroupId?: string };
  channel?: { id?: string };
}

export function turnOrigin(activity: Partial<Activity>): TurnOrigin {
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  const conversation = activity.conversation;
  const conversationType = conversation?.conversationType;
  const kind: ConversationKind =
    conversationType === 'channel' || channelData.channel?.id
      ? 'channel'
      : conversationType === 'groupChat' || conversation?.isGroup
        ? 'groupChat'
        : 'personal';
  return {
    tenantId: channelData.tenant?.id ?? conversation?.tenantId ?? '',
    userId: activity.from?.aadObjectId,
    userName: activity.from?.name,
    conversationId: conversation?.id ?? '',
    kind,
    teamId: channelData.team?.id,
    channelId: channelData.channel?.id,
  };
}

/** The record to keep for proactive messages. Channel threads are stored by channel id. */
export function conversationRecord(activity: Partial<Activity>, now: string): ConversationRecord {
  const origin = turnOrigin(activity);
  // A channel reply arrives in "<channel>;messageid=<root>": keep the channel itself reachable.
  const conversationId =
    origin.kind === 'channel' && origin.channelId ? origin.channelId : origin.conversationId;
  const reference = minimalReference(
    TurnContext.getConversationReference(activity),
    conversationId,
  );
  return {
    conversationId,
    kind: origin.kind,
    tenantId: origin.tenantId,
    userId: origin.userId,
    userName: origin.userName?.slice(0, MAX_NAME),
    teamId: origin.teamId?.slice(0, MAX_ID),
    channelId: origin.channelId?.slice(0, MAX_ID),
    reference,
    updatedAt: now,
  };
}

// What continueConversation needs, and nothing else the activity carried: a reference is stored
// for every conversation, so an activity padded with nested data must not be stored with it.
const MAX_ID = 512;
const MAX_NAME = 256;

function minimalReference(
  full: Partial<ConversationReference>,
  conversationId: string,
): Record<string, unknown> {
  const conversation = full.conversation as
    (Partial<ConversationAccount> & { tenantId?: unknown }) | undefined;
  return prune({
    channelId: text(full.channelId, MAX_ID),
    serviceUrl: text(full.serviceUrl, MAX_ID),
    locale: text(full.locale, 32),
    conversation: prune({
      id: conversationId.slice(0, MAX_ID),
      conversationType: text(conversation?.conversationType, 32),
      tenantId: text(conversation?.tenantId, MAX_ID),
      isGroup: typeof conversation?.isGroup === 'boolean' ? conversation.isGroup : undefined,
    }),
    bot: account(full.bot),
    user: account(full.user),
  });
}

function account(value: Partial<ChannelAccount> | undefined): Record<string, unknown> | undefined {
  if (!value || typeof value.id !== 'string') return undefined;
  return prune({
    id: value.id.slice(0, MAX_ID),
    name: text(value.name, MAX_NAME),
    aadObjectId: text(value.aadObjectId, MAX_ID),
  });
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;
}

function prune(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
