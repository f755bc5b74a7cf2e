// `soc`: a tenant's SOC channels. An admin makes a channel one from the channel itself (the bot
// is there, so it can post), removes one, and anyone of the tenant lists them.
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { isDomainError } from '../../src/domain/errors.ts';
import type { SocChannel } from '../../src/domain/tenant.ts';
import { tenantAccess } from '../../src/features/tenants/admin-guard.ts';
import { socChannelsCardData } from '../../cards/message-tenant-lists.ts';
import type { TenantDirectory } from '../../src/features/tenants/tenant-directory.ts';
import { sendMessageCard } from '../send-card.ts';
import type { Command, CommandContext } from './command-table.ts';

const channelDataSchema = z.looseObject({
  team: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
  channel: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
});

const USAGE =
  'Type **soc here** in a channel (mentioning the bot) to make it a SOC channel, **soc remove** there to stop, or **soc list** anywhere.';

/** This channel as a SOC channel, named "Team › Channel" when Teams says so. */
export function channelFromTurn(turn: TurnContext): SocChannel | undefined {
  const data = channelDataSchema.safeParse(turn.activity.channelData ?? {});
  const channel = data.success ? data.data.channel : undefined;
  if (!channel?.id) return undefined;
  const team = data.success ? data.data.team : undefined;
  // Teams leaves the General channel unnamed; its id is the team's id.
  const channelName = channel.name ?? (team?.id === channel.id ? 'General' : undefined);
  const name = [team?.name, channelName].filter(Boolean).join(' › ');
  return {
    channelId: channel.id,
    ...(team?.id ? { teamId: team.id } : {}),
    ...(name ? { name } : {}),
  };
}

export function socChannelCommand(deps: { directory: TenantDirectory }): Command {
  async function change(ctx: CommandContext, verb: 'add' | 'remove', idArg: string | undefined) {
    const { origin, turn } = ctx;
    const access = tenantAccess(deps.directory.get(origin.tenantId), origin.userId, 'manage');
    if (!access.ok) return sendMessageCard(turn, access.refusal);
    const here = channelFromTurn(turn);
    const actor = {
      userId: origin.userId ?? '',
      ...(origin.userName ? { name: origin.userName } : {}),
    };
    try {
      if (verb === 'add') {
        if (!here) {
          return sendMessageCard(turn, {
            title: 'Run this in the channel',
            text: `Go to the channel that should get the incident cards and type **@Managed Response soc here** there. ${USAGE}`,
            style: 'warning',
            facts: [],
          });
        }
        const result = await deps.directory.addSocChannel(origin.tenantId, here, actor);
        return sendMessageCard(turn, {
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
        return sendMessageCard(turn, {
          title: 'Which channel?',
          text: `Type **soc remove** in the SOC channel itself, or give its channel id (see **soc list**).`,
          style: 'warning',
          facts: [],
        });
      }
      const result = await deps.directory.removeSocChannel(origin.tenantId, id, actor);
      return sendMessageCard(turn, {
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
      return sendMessageCard(turn, {
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
            deps.directory.get(ctx.origin.tenantId),
            ctx.origin.userId,
            'read',
          );
          return sendMessageCard(
            ctx.turn,
            access.ok ? socChannelsCardData(access.tenant) : access.refusal,
          );
        }
        default:
          return sendMessageCard(ctx.turn, {
            title: 'SOC channels',
            text: `I don't know "soc ${verb}". ${USAGE}`,
            style: 'warning',
            facts: [],
          });
      }
    },
  };
}
