// `soc`: a tenant's SOC channels. An admin makes a channel one from the channel itself (the bot
// is there, so it can post), removes one, and anyone of the tenant lists them.
import { messageCard, type MessageCardData } from '../../../cards/message.ts';
import { socChannelsCardData } from '../../../cards/message-tenant-lists.ts';
import type { Caller, Command, CommandContext } from '../../app/feature.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { SocChannel } from '../../domain/tenant.ts';
import { tenantAccess } from './admin-guard.ts';
import type { TenantDirectory } from './tenant-directory.ts';

const USAGE =
  'Type **soc here** in a channel (mentioning the bot) to make it a SOC channel, **soc remove** there to stop, or **soc list** anywhere.';

/** This channel as a SOC channel, named "Team › Channel" when Teams says so. */
export function channelOf(from: Caller): SocChannel | undefined {
  if (!from.channelId) return undefined;
  // Teams leaves the General channel unnamed; its id is the team's id.
  const channelName = from.channelName ?? (from.teamId === from.channelId ? 'General' : undefined);
  const name = [from.teamName, channelName].filter(Boolean).join(' › ');
  return {
    channelId: from.channelId,
    ...(from.teamId ? { teamId: from.teamId } : {}),
    ...(name ? { name } : {}),
  };
}

export function socChannelCommand(deps: { directory: TenantDirectory }): Command {
  async function change(ctx: CommandContext, verb: 'add' | 'remove', idArg: string | undefined) {
    const origin = ctx.from;
    const access = tenantAccess(deps.directory.get(origin.tenantId), origin.userId, 'manage');
    if (!access.ok) return send(ctx, access.refusal);
    const here = channelOf(origin);
    const actor = {
      userId: origin.userId ?? '',
      ...(origin.userName ? { name: origin.userName } : {}),
    };
    try {
      if (verb === 'add') {
        if (!here) {
          return send(ctx, {
            title: 'Run this in the channel',
            text: `Go to the channel that should get the incident cards and type **@Managed Response soc here** there. ${USAGE}`,
            style: 'warning',
            facts: [],
          });
        }
        const result = await deps.directory.addSocChannel(origin.tenantId, here, actor);
        return send(ctx, {
          title: result.changed ? 'This is now a SOC channel' : 'Already a SOC channel',
          text: result.changed
            ? `Incidents of ${access.tenant.name} handled by the experts get a card here, kept current as they move.`
            : `This channel already gets ${access.tenant.name}'s incident cards.`,
          style: 'good',
          facts: here.name ? [{ title: 'Channel', value: here.name }] : [],
        });
      }
      const id = idArg ?? here?.channelId;
      if (!id) {
        return send(ctx, {
          title: 'Which channel?',
          text: `Type **soc remove** in the SOC channel itself, or give its channel id (see **soc list**).`,
          style: 'warning',
          facts: [],
        });
      }
      const result = await deps.directory.removeSocChannel(origin.tenantId, id, actor);
      return send(ctx, {
        title: result.changed ? 'SOC channel removed' : 'Not a SOC channel',
        text: result.changed
          ? `${result.audit?.subjectName ?? id} no longer gets ${access.tenant.name}'s incident cards.${
              result.tenant.socChannels.length === 0
                ? ' There is no SOC channel left: incident cards go only to the contacts.'
                : ''
            }`
          : `${idArg ? id : 'This channel'} is not one of ${access.tenant.name}'s SOC channels. ${USAGE}`,
        style: result.changed && result.tenant.socChannels.length > 0 ? 'good' : 'warning',
        facts: [],
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      return send(ctx, {
        title: 'Not done',
        text: err.message,
        style: 'attention',
        facts: [],
      });
    }
  }

  return {
    name: 'soc',
    aliases: ['soc-channel'],
    description:
      'SOC channels that get a card per incident: soc list; admins type soc here in a channel, or soc remove.',
    example: 'soc here',
    async run(ctx) {
      const [verb = 'list', arg] = ctx.args.split(/\s+/).filter((t) => t.length > 0);
      switch (verb.toLowerCase()) {
        case 'here':
        case 'add':
          return change(ctx, 'add', undefined);
        case 'remove':
        case 'rm':
        case 'delete':
          return change(ctx, 'remove', arg);
        case 'list':
        case 'show': {
          const access = tenantAccess(
            deps.directory.get(ctx.from.tenantId),
            ctx.from.userId,
            'read',
          );
          return send(ctx, access.ok ? socChannelsCardData(access.tenant) : access.refusal);
        }
        default:
          return send(ctx, {
            title: 'SOC channels',
            text: `I don't know "soc ${verb}". ${USAGE}`,
            style: 'warning',
            facts: [],
          });
      }
    },
  };
}

async function send(ctx: CommandContext, data: MessageCardData): Promise<void> {
  await ctx.reply.card(messageCard(data));
}
