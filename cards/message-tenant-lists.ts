// What the contacts and SOC channel commands list, on the message card: a tenant's incident
// contacts (with whether each has the app) and its SOC channels.
import type { ContactRef, CustomerTenant } from '../src/domain/tenant.ts';
import type { MessageCardData, MessageFact } from './message.ts';

export const INSTALL_HINT = 'Apps › Managed Response › Add';

export function contactsCardData(
  tenant: CustomerTenant,
  installed: ReadonlySet<string>,
): MessageCardData {
  const row = (contact: ContactRef, list: string): MessageFact => ({
    title: contact.name ?? contact.userId,
    value: `${list} · ${
      installed.has(contact.userId.toLowerCase())
        ? 'has the app'
        : 'not installed yet: ask them to add the app'
    }`,
  });
  const facts = [
    ...tenant.contacts.primary.map((c) => row(c, 'Primary')),
    ...tenant.contacts.secondary.map((c) => row(c, 'Secondary')),
  ];
  const missing = [...tenant.contacts.primary, ...tenant.contacts.secondary].filter(
    (c) => !installed.has(c.userId.toLowerCase()),
  ).length;
  const lines = [
    facts.length === 0
      ? 'No incident contacts yet. An admin adds one with **contacts add @Person** (or their Entra object id).'
      : 'Primary contacts get a card when an incident awaits your action, and reminders; secondary contacts get escalations.',
  ];
  if (tenant.contacts.primary.length === 0 && facts.length > 0) {
    lines.push('There is no primary contact: nobody is notified 1:1 when an incident awaits you.');
  }
  if (missing > 0) {
    lines.push(
      `${missing === 1 ? '1 contact has' : `${missing} contacts have`} not installed the app yet: ask them to add it in Teams (${INSTALL_HINT}).`,
    );
  }
  return {
    title: `Incident contacts for ${tenant.name}`,
    text: lines.join('\n\n'),
    style: missing > 0 || tenant.contacts.primary.length === 0 ? 'warning' : 'default',
    facts,
  };
}

export function socChannelsCardData(tenant: CustomerTenant): MessageCardData {
  const facts = tenant.socChannels.map((c) => ({
    title: c.name ?? 'Channel',
    value: c.channelId,
  }));
  return {
    title: `SOC channels for ${tenant.name}`,
    text:
      facts.length === 0
        ? 'No SOC channel yet. An admin types **soc here** in a channel (mentioning the bot) to make it one.'
        : 'Each incident handled by the experts gets one card in these channels, kept current as it moves.',
    style: facts.length === 0 ? 'warning' : 'default',
    facts,
  };
}
