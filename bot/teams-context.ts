// Reads who and where a turn is from (tenant, user, chat kind) out of a Teams activity.
import { TurnContext, type Activity } from 'botbuilder';
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
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<
    string,
    unknown
  >;
  // A channel reply arrives in "<channel>;messageid=<root>": keep the channel itself reachable.
  const conversationId =
    origin.kind === 'channel' && origin.channelId ? origin.channelId : origin.conversationId;
  if (conversationId !== origin.conversationId) {
    reference.conversation = { ...(reference.conversation as object), id: conversationId };
  }
  delete reference.activityId;
  return {
    conversationId,
    kind: origin.kind,
    tenantId: origin.tenantId,
    userId: origin.userId,
    userName: origin.userName,
    teamId: origin.teamId,
    channelId: origin.channelId,
    reference,
    updatedAt: now,
  };
}
