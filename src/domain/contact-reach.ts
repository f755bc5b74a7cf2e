// Whether and how each incident contact was notified of an incident: in Teams (in a chat they had,
// or one the app installed for them), by email, or not, and why not. Shown on the SOC card.

export type TeamsVia = 'teams' | 'teamsInstall';

export interface ContactReach {
  tenantId: string;
  incidentId: string;
  userId: string;
  /** The Teams card was delivered. */
  teams?: { via: TeamsVia; at: string };
  /** The email fallback was sent. */
  email?: { at: string };
  /** Why Teams could not deliver the card (the delivery's or the install's refusal code). */
  notReached?: { code: string; at: string };
  /** Why the email could not be sent. */
  emailRefused?: { code: string; at: string };
}

const why: Record<string, string> = {
  NotInstalled: 'app not installed',
  BotNotInConversationRoster: 'app not installed',
  AppBlockedByPolicy: 'app blocked by policy',
  AppNotInCatalog: 'app not in the catalog',
  InstallPermissionMissing: 'install permission not granted',
  InstallFailed: 'install failed',
  UserNotFound: 'user not found',
  ConversationBlockedByUser: 'they blocked the bot',
  MailPermissionMissing: 'Mail.Send not granted',
  MailSenderInvalid: 'sending mailbox not usable',
  MailLookupPermissionMissing: 'User.Read.All not granted',
  MailNotConfigured: 'email not configured',
  ConversationNotFound: 'their chat was not found',
  DeliveryFailed: 'delivery failed',
  MailRecipientInvalid: 'mail address refused',
};

/** A refusal code in a few words, e.g. "app blocked by policy". */
export function reachReason(code: string): string {
  return why[code] ?? 'the bot was removed or blocked';
}

/** How the contact was reached, in words: "Teams", "Email (Teams: app blocked by policy)"… */
export function reachWords(reach: ContactReach | undefined): { how: string; reached: boolean } {
  if (reach?.teams) {
    return {
      how: reach.teams.via === 'teamsInstall' ? 'Teams (app installed for them)' : 'Teams',
      reached: true,
    };
  }
  const teams = reach?.notReached && reachReason(reach.notReached.code);
  if (reach?.email) return { how: teams ? `Email (Teams: ${teams})` : 'Email', reached: true };
  if (reach?.emailRefused) {
    const mail = reachReason(reach.emailRefused.code);
    return { how: `Not reached: ${teams ?? 'Teams pending'}; email: ${mail}`, reached: false };
  }
  if (teams) return { how: `Not reached in Teams: ${teams}`, reached: false };
  return { how: 'Being notified', reached: false };
}
