// `highvalue`: the machine tags that mark a tenant's high-value devices. Isolating such a device
// or restricting its apps from a task card needs the device's name typed to confirm. Anyone of
// the tenant may list the tags; only its admins add or remove them (audited in tenantAudit).
import { messageCard, type MessageCardData } from '../../../cards/message.ts';
import type { Command, CommandContext } from '../../app/feature.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { tenantAccess } from './admin-guard.ts';
import type { TenantDirectory } from './tenant-directory.ts';

const USAGE =
  'Type **highvalue list**, or (admins) **highvalue add <machine tag>** / **highvalue remove <machine tag>**, e.g. highvalue add Tier 0.';

const EFFECT =
  'Isolating a device that carries one of these machine tags, or restricting its apps, needs its name typed on the card to confirm.';

export function highValueCommand(deps: { directory: TenantDirectory }): Command {
  async function change(ctx: CommandContext, verb: 'add' | 'remove', tag: string) {
    const origin = ctx.from;
    const tenant = deps.directory.get(origin.tenantId);
    const access = tenantAccess(tenant, origin.userId, 'manage');
    if (!access.ok) {
      if (!tenant) return send(ctx, access.refusal);
      return send(ctx, {
        ...access.refusal,
        text: `Only the admins of ${tenant.name} for the managed response service can change its high-value tags. Ask one of them, or ask your service provider. Anyone can see the tags with **highvalue list**.`,
      });
    }
    if (tag === '') {
      return send(ctx, { title: 'Which machine tag?', text: USAGE, style: 'warning', facts: [] });
    }
    const actor = {
      userId: origin.userId ?? '',
      ...(origin.userName ? { name: origin.userName } : {}),
    };
    try {
      const result =
        verb === 'add'
          ? await deps.directory.addHighValueTag(origin.tenantId, tag, actor)
          : await deps.directory.removeHighValueTag(origin.tenantId, tag, actor);
      const tags = result.tenant.highValueTags ?? [];
      const done =
        verb === 'add'
          ? result.changed
            ? `Devices tagged **${tag}** in Defender are now high-value for ${access.tenant.name}. ${EFFECT}`
            : `**${tag}** already marks high-value devices for ${access.tenant.name}.`
          : result.changed
            ? `Devices tagged **${tag}** are no longer high-value for ${access.tenant.name}.`
            : `**${tag}** is not one of ${access.tenant.name}'s high-value tags. ${USAGE}`;
      return send(ctx, {
        title: result.changed
          ? verb === 'add'
            ? 'High-value tag added'
            : 'High-value tag removed'
          : 'Nothing changed',
        text: done,
        style: result.changed ? 'good' : 'warning',
        facts: [{ title: 'High-value tags', value: tags.length > 0 ? tags.join(', ') : 'none' }],
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      return send(ctx, { title: 'Not done', text: err.message, style: 'attention', facts: [] });
    }
  }

  return {
    name: 'highvalue',
    aliases: ['high-value'],
    description:
      'Machine tags of high-value devices (typed confirmation before isolating them): highvalue list; admins: highvalue add|remove <tag>.',
    example: 'highvalue add Tier 0',
    async run(ctx) {
      const [verb = 'list', ...rest] = ctx.args.split(/\s+/).filter((t) => t.length > 0);
      const tag = rest
        .join(' ')
        .replace(/^["'“”]+|["'“”]+$/g, '')
        .trim();
      switch (verb.toLowerCase()) {
        case 'add':
          return change(ctx, 'add', tag);
        case 'remove':
        case 'rm':
        case 'delete':
          return change(ctx, 'remove', tag);
        case 'list':
        case 'show': {
          const access = tenantAccess(
            deps.directory.get(ctx.from.tenantId),
            ctx.from.userId,
            'read',
          );
          return send(ctx, access.ok ? listCard(access.tenant) : access.refusal);
        }
        default:
          return send(ctx, {
            title: 'High-value devices',
            text: `I don't know "highvalue ${verb}". ${USAGE}`,
            style: 'warning',
            facts: [],
          });
      }
    },
  };
}

function listCard(tenant: CustomerTenant): MessageCardData {
  const tags = tenant.highValueTags ?? [];
  return {
    title: `High-value devices of ${tenant.name}`,
    text:
      tags.length > 0
        ? `${EFFECT} Admins change the list with **highvalue add|remove <machine tag>**.`
        : `No machine tag marks high-value devices yet: devices are isolated with one click. Admins add one with **highvalue add <machine tag>**.`,
    style: 'default',
    facts: tags.map((tag) => ({ title: 'Machine tag', value: tag })),
  };
}

async function send(ctx: CommandContext, data: MessageCardData): Promise<void> {
  await ctx.reply.card(messageCard(data));
}
