// How the contacts command words a contact and a contact who does not have the app yet.
import { INSTALL_HINT } from '../../../cards/message-tenant-lists.ts';
import type { ContactRef } from '../../domain/tenant.ts';

export function contactLabel(contact: ContactRef): string {
  return contact.name ? `${contact.name} (${contact.userId})` : contact.userId;
}

/** How a contact without the app is handled: by asking them, or by the service's proactive install. */
export type InstallOutcome = 'askThem' | 'installed' | 'installFailed';

/** What an admin should know (and do) about a contact the bot cannot message yet. */
export function notInstalledAdvice(name: string, outcome: InstallOutcome): string {
  switch (outcome) {
    case 'installed':
      return `${name} did not have the Managed Response app yet; the service has installed it for them, so notifications will reach them.`;
    case 'installFailed':
      return `${name} has not installed the Managed Response app yet, and installing it for them failed. Ask them to add it in Teams (${INSTALL_HINT}), or have your Teams admin install it for them.`;
    case 'askThem':
      return `${name} has not installed the Managed Response app yet, so notifications cannot reach them. Ask them to add it in Teams (${INSTALL_HINT}), or have your Teams admin install it for them.`;
  }
}
