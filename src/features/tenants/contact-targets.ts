// Whom a `contacts add|remove` names: each @mention (resolved to their Entra object id through
// the conversation's roster) and each object id or user principal name typed, or why not.
import { z } from 'zod';
import type { CommandContext, MemberInfo, Turn } from '../../app/feature.ts';
import type { ContactRef } from '../../domain/tenant.ts';

const guid = z.guid();

/** Looks a user up by Teams id (29:…), UPN or object id; undefined when unknown here. */
export type MemberLookup = (turn: Turn, id: string) => Promise<MemberInfo | undefined>;

export type Target = { contact: ContactRef } | { problem: string };

/** `known`: contacts a mention may be matched with by name when the roster cannot tell. */
export async function resolveTargets(
  lookup: MemberLookup,
  ctx: CommandContext,
  tokens: string[],
  known: readonly ContactRef[],
): Promise<Target[]> {
  const { from } = ctx;
  const targets: Target[] = [];
  for (const { id, name } of ctx.message.mentions) {
    const target = await resolve(lookup, id, name, from.tenantId, ctx, 'mention');
    const sameName = known.filter((c) => name && c.name?.toLowerCase() === name.toLowerCase());
    const [only] = sameName;
    targets.push('problem' in target && only && sameName.length === 1 ? { contact: only } : target);
  }
  for (const token of tokens)
    targets.push(await resolve(lookup, token, undefined, from.tenantId, ctx, 'text'));
  return targets;
}

async function resolve(
  lookup: MemberLookup,
  id: string,
  name: string | undefined,
  tenantId: string,
  turn: Turn,
  how: 'mention' | 'text',
): Promise<Target> {
  const isGuid = guid.safeParse(id).success;
  if (how === 'text' && !isGuid && !id.includes('@')) {
    return {
      problem: `"${id}" is neither an @mention, an Entra object id nor a user principal name.`,
    };
  }
  const member = await lookup(turn, id);
  const who = name ?? member?.name ?? id;
  if (member?.tenantId && member.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    return {
      problem: `${who} belongs to another organisation and cannot be your incident contact.`,
    };
  }
  const userId = member?.aadObjectId ?? (isGuid ? id : undefined);
  if (!userId) {
    return {
      problem: `I could not find ${who} in this conversation. @mention them in a channel of a team they belong to, or give their Entra object id.`,
    };
  }
  const displayName = member?.name ?? name;
  return { contact: { userId, ...(displayName ? { name: displayName } : {}) } };
}
