// A Teams turn as features see it (src/app/feature.ts): who and where from the activity, the
// message with its mentions and attachments, a way to answer, and the conversation's roster.
// Read after the bot cut its own mention out of the text (TurnContext.removeRecipientMention).
import { CardFactory, TeamsInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Caller, IncomingMessage, MemberInfo, Reply, Turn } from '../src/app/feature.ts';
import type { Logger } from '../src/platform/logger.ts';
import { turnOrigin } from './teams-context.ts';

const channelDataSchema = z.looseObject({
  team: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
  channel: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
});

const mentionSchema = z.object({
  type: z.literal('mention'),
  mentioned: z.object({ id: z.string().min(1), name: z.string().optional() }),
});

export function teamsTurn(context: TurnContext, logger: Logger): Turn {
  return {
    from: callerOf(context),
    message: messageOf(context),
    reply: replyIn(context),
    lookupMember: (id) => lookupMember(context, id),
    logger,
  };
}

export function callerOf(context: TurnContext): Caller {
  const activity = context.activity;
  const origin = turnOrigin(activity);
  const data = channelDataSchema.safeParse(activity.channelData ?? {});
  const team = data.success ? data.data.team : undefined;
  const channel = data.success ? data.data.channel : undefined;
  const teamsUserId = activity.from?.id;
  return {
    tenantId: origin.tenantId,
    ...(origin.userId ? { userId: origin.userId } : {}),
    ...(origin.userName ? { userName: origin.userName } : {}),
    ...(teamsUserId ? { teamsUserId } : {}),
    conversationId: origin.conversationId,
    kind: origin.kind,
    ...(origin.teamId ? { teamId: origin.teamId } : {}),
    ...(team?.name ? { teamName: team.name } : {}),
    ...(origin.channelId ? { channelId: origin.channelId } : {}),
    ...(channel?.name ? { channelName: channel.name } : {}),
  };
}

function messageOf(context: TurnContext): IncomingMessage {
  const activity = context.activity;
  const botId = activity.recipient?.id;
  const botName = activity.recipient?.name;
  const mentions = (activity.entities ?? []).flatMap((entity) => {
    const mention = mentionSchema.safeParse(entity);
    if (!mention.success || mention.data.mentioned.id === botId) return [];
    const { id, name } = mention.data.mentioned;
    return [{ id, ...(name ? { name } : {}) }];
  });
  return {
    id: activity.id ?? '',
    text: activity.text ?? '',
    attachments: (activity.attachments ?? []).map((a) => ({
      contentType: a.contentType,
      ...(a.name ? { name: a.name } : {}),
    })),
    mentions,
    ...(botName ? { botName } : {}),
  };
}

function replyIn(context: TurnContext): Reply {
  return {
    async text(text) {
      await context.sendActivity(text);
    },
    async card(card, summary) {
      await context.sendActivity({
        attachments: [CardFactory.adaptiveCard(card)],
        ...(summary === undefined ? {} : { summary }),
      });
    },
  };
}

async function lookupMember(context: TurnContext, id: string): Promise<MemberInfo | undefined> {
  try {
    const member = await TeamsInfo.getMember(context, id);
    return { aadObjectId: member.aadObjectId, name: member.name, tenantId: member.tenantId };
  } catch {
    return undefined; // 404 (not in this conversation) and the like: the caller explains
  }
}
