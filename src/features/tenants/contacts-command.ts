// `contacts`: list, add and remove a tenant's incident contacts from Teams. People are named by
// @mention (resolved to their Entra object id through the conversation roster), by object id, or
// by user principal name; changes go through the TenantDirectory, which audits them.
import { messageCard, type MessageCardData } from '../../../cards/message.ts';
import { contactsCardData } from '../../../cards/message-tenant-lists.ts';
import type { Command, CommandContext } from '../../app/feature.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { ContactRef } from '../../domain/tenant.ts';
import type { ConversationRegistry } from '../../shared/conversation-registry.ts';
import { tenantAccess } from './admin-guard.ts';
import { resolveTargets, type MemberLookup } from './contact-targets.ts';
import { contactLabel, notInstalledAdvice, type InstallOutcome } from './contacts-words.ts';
import type { TenantDirectory } from './tenant-directory.ts';
import type { ContactList } from './tenant-overrides.ts';

export type { MemberInfo } from '../../app/feature.ts';

export type { MemberLookup } from './contact-targets.ts';

export interface ContactsCommandDeps {
  directory: TenantDirectory;
  conversations: Pick<ConversationRegistry, 'findPersonal'>;
  /** Default: the conversation's roster (turn.lookupMember). */
  lookupMember?: MemberLookup;
  /** Proactive install (Graph), when the operator enabled it; resolves true once installed. */
  installApp?: (tenantId: string, userId: string) => Promise<boolean>;
}

const USAGE =
  'Try **contacts**, **contacts add @Person**, **contacts add secondary @Person**, **contacts add <Entra object id>** or **contacts remove @Person**.';

export function contactsCommand(deps: ContactsCommandDeps): Command {
  const lookup: MemberLookup = deps.lookupMember ?? ((turn, id) => turn.lookupMember(id));

  async function installed(tenantId: string, contacts: readonly ContactRef[]) {
    const found = await Promise.all(
      contacts.map(async (c) =>
        (await deps.conversations.findPersonal(tenantId, c.userId)) ? c : undefined,
      ),
    );
    return new Set(found.filter((c) => c !== undefined).map((c) => c.userId.toLowerCase()));
  }

  async function reachability(tenantId: string, contact: ContactRef): Promise<string | undefined> {
    if (await deps.conversations.findPersonal(tenantId, contact.userId)) return undefined;
    let outcome: InstallOutcome = 'askThem';
    if (deps.installApp) {
      outcome = await deps.installApp(tenantId, contact.userId).then(
        (ok) => (ok ? 'installed' : 'installFailed'),
        () => 'installFailed' as const,
      );
    }
    return notInstalledAdvice(contact.name ?? contact.userId, outcome);
  }

  async function list(ctx: CommandContext): Promise<void> {
    const access = tenantAccess(deps.directory.get(ctx.from.tenantId), ctx.from.userId, 'read');
    if (!access.ok) return send(ctx, access.refusal);
    const { tenant } = access;
    const all = [...tenant.contacts.primary, ...tenant.contacts.secondary];
    await send(ctx, contactsCardData(tenant, await installed(tenant.tenantId, all)));
  }

  async function change(ctx: CommandContext, verb: 'add' | 'remove', rest: string[]) {
    const origin = ctx.from;
    const access = tenantAccess(deps.directory.get(origin.tenantId), origin.userId, 'manage');
    if (!access.ok) return send(ctx, access.refusal);
    const first = rest[0]?.toLowerCase();
    const list: ContactList | undefined =
      first === 'secondary' || first === 'primary' ? first : undefined;
    const { tenant } = access;
    const known =
      verb === 'remove' ? [...tenant.contacts.primary, ...tenant.contacts.secondary] : [];
    const targets = await resolveTargets(lookup, ctx, list ? rest.slice(1) : rest, known);
    if (targets.length === 0) {
      return send(ctx, {
        title: `Whom should I ${verb}?`,
        text: `Name the person with an @mention or their Entra object id. ${USAGE}`,
        style: 'warning',
        facts: [],
      });
    }
    const actor = {
      userId: origin.userId ?? '',
      ...(origin.userName ? { name: origin.userName } : {}),
    };
    const lines: string[] = [];
    let problems = 0;
    for (const target of targets) {
      if ('problem' in target) {
        problems += 1;
        lines.push(target.problem);
        continue;
      }
      const label = contactLabel(target.contact);
      try {
        if (verb === 'add') {
          const result = await deps.directory.addContact(
            origin.tenantId,
            target.contact,
            { secondary: list === 'secondary' },
            actor,
          );
          const to = list ?? 'primary';
          lines.push(
            !result.changed
              ? `${label} is already a ${to} contact.`
              : result.audit?.action === 'contactMoved'
                ? `Moved ${label} to the ${to} contacts.`
                : `Added ${label} as a ${to} contact.`,
          );
          const advice = await reachability(origin.tenantId, target.contact);
          if (advice) {
            problems += 1;
            lines.push(advice);
          }
        } else {
          const result = await deps.directory.removeContact(
            origin.tenantId,
            target.contact.userId,
            actor,
            list ? { list } : {},
          );
          lines.push(
            result.changed
              ? `Removed ${label} from the ${result.audit?.detail ?? 'incident'} contacts.`
              : `${label} is not ${list ? `a ${list}` : 'an incident'} contact.`,
          );
          if (result.changed && result.tenant.contacts.primary.length === 0) {
            problems += 1;
            lines.push(
              'There is no primary contact left: nobody is notified 1:1 when an incident awaits you.',
            );
          }
        }
      } catch (err) {
        if (!isDomainError(err)) throw err;
        problems += 1;
        lines.push(err.message);
      }
    }
    await send(ctx, {
      title: verb === 'add' ? 'Incident contacts: add' : 'Incident contacts: remove',
      text: lines.join('\n\n'),
      style: problems > 0 ? 'warning' : 'good',
      facts: [],
    });
  }

  return {
    name: 'contacts',
    aliases: ['contact'],
    description:
      'List your incident contacts; admins add or remove them (contacts add @Person, contacts add secondary @Person, contacts remove @Person).',
    example: 'contacts add @Megan Bowen',
    async run(ctx) {
      const [verb = 'list', ...rest] = ctx.args.split(/[\s,;]+/).filter((t) => t.length > 0);
      switch (verb.toLowerCase()) {
        case 'list':
        case 'show':
          return list(ctx);
        case 'add':
          return change(ctx, 'add', rest);
        case 'remove':
        case 'rm':
        case 'delete':
          return change(ctx, 'remove', rest);
        default:
          return send(ctx, {
            title: 'Incident contacts',
            text: `I don't know "contacts ${verb}". ${USAGE}`,
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
