// The notice that a contact or a SOC channel cannot be reached (app not installed, bot removed or
// blocked), on the message card: what the tenant's admins and SOC channels should do about it.
import type { CustomerTenant } from '../src/domain/tenant.ts';
import type { MessageCardData } from './message.ts';

/** Who cannot be reached: a user's 1:1 chat, or a conversation (a SOC channel). */
export type UnreachableTarget =
  | { kind: 'personal'; userId: string }
  | { kind: 'conversation'; conversationId: string }
  /** The contact's mailbox (email fallback). */
  | { kind: 'email'; userId: string };

/** Why installing the app through Graph for the contact did not work (proactive install). */
export interface InstallRefusal {
  code: string;
  detail: string;
}

export function unreachableNoticeData(
  tenant: CustomerTenant,
  target: UnreachableTarget,
  notInstalled: boolean,
  install?: InstallRefusal,
): MessageCardData {
  const { title, text } =
    target.kind === 'email'
      ? mailRefusalText(contactName(tenant, target.userId), install)
      : install && target.kind === 'personal'
        ? refusalText(contactName(tenant, target.userId), install)
        : noticeText(tenant, target, notInstalled);
  return { title, text, style: 'warning', facts: [{ title: 'Organisation', value: tenant.name }] };
}

function noticeText(
  tenant: CustomerTenant,
  target: Exclude<UnreachableTarget, { kind: 'email' }>,
  notInstalled: boolean,
): { title: string; text: string } {
  if (target.kind === 'personal') {
    const who = contactName(tenant, target.userId);
    return {
      title: 'An incident contact cannot be reached',
      text: notInstalled
        ? `${who} has not installed the Managed Response app, so incident notifications cannot reach them. Ask them to add the app in Teams (Apps › Managed Response › Add), or have your Teams admin install it for them. Their pending notifications are kept and will be delivered as soon as the app is installed.`
        : `The bot can no longer reach ${who} (the app was removed or the chat was blocked). Reinstall the app for them; their pending notifications are kept and will be delivered once it is back.`,
    };
  }
  const channel = tenant.socChannels.find((c) => c.channelId === target.conversationId);
  const where = channel
    ? `the SOC channel "${channel.name ?? channel.channelId}"`
    : 'a conversation';
  return {
    title: 'The SOC channel cannot be reached',
    text: notInstalled
      ? `Managed Response is not in ${where} yet, so the incident feed cannot be posted there. Add the app to the team that holds the channel (Apps › Managed Response › Add to a team). The pending cards are kept and will be posted once it is added.`
      : `The bot can no longer post to ${where} (the app was removed from the team). Add it again; the pending cards are kept and will be posted once it is back.`,
  };
}

function contactName(tenant: CustomerTenant, userId: string): string {
  return (
    [...tenant.contacts.primary, ...tenant.contacts.secondary].find(
      (c) => c.userId.toLowerCase() === userId.toLowerCase(),
    )?.name ?? `The user ${userId}`
  );
}

const TITLE = 'An incident contact cannot be reached';
const KEPT =
  'Their pending notifications are kept and will be delivered as soon as the app is installed.';

function refusalText(who: string, install: InstallRefusal): { title: string; text: string } {
  switch (install.code) {
    case 'InstallPermissionMissing':
      return {
        title: 'Grant Managed Response the permission to install itself for contacts',
        text: `${who} has not installed the Managed Response app, and the service could not install it for them: your tenant has not granted the Microsoft Graph application permission ${install.detail} to the Managed Response app. A Global Administrator or Privileged Role Administrator can grant it in the Microsoft Entra admin center (Enterprise applications › Managed Response › Permissions › Grant admin consent). Until then, ask each contact to add the app in Teams. ${KEPT}`,
      };
    case 'AppBlockedByPolicy':
      return {
        title: TITLE,
        text: `${who} has not installed the Managed Response app, and your Teams app permission policy (or their Teams licence) does not let it be installed for them. Allow the app for them in the Teams admin center (Teams apps › Permission policies), or check their licence. ${KEPT}`,
      };
    case 'AppNotInCatalog':
      return {
        title: TITLE,
        text: `${who} has not installed the Managed Response app, and the app is not in your organisation's Teams app catalog, so it cannot be installed for them. Upload or approve Managed Response in the Teams admin center (Teams apps › Manage apps). ${KEPT}`,
      };
    default:
      return {
        title: TITLE,
        text: `${who} has not installed the Managed Response app, and installing it for them failed (${install.code}). Ask them to add the app in Teams (Apps › Managed Response › Add). ${KEPT}`,
      };
  }
}

const MAIL_KEPT =
  'The emails are kept and will be sent once this is fixed and the service restarts.';

/** The email fallback was refused (Graph sendMail, or the address look-up). */
function mailRefusalText(
  who: string,
  refusal: InstallRefusal | undefined,
): { title: string; text: string } {
  const lead = `${who} could not be reached in Teams, and the email fallback could not be sent`;
  switch (refusal?.code) {
    case 'MailPermissionMissing':
      return {
        title: 'Grant Managed Response the permission to send email',
        text: `${lead}: your tenant has not granted the Microsoft Graph application permission Mail.Send to the Managed Response app. A Global Administrator or Privileged Role Administrator can grant it in the Microsoft Entra admin center (Enterprise applications › Managed Response › Permissions › Grant admin consent); an Exchange application access policy may limit it to the sending mailbox${refusal.detail ? ` (${refusal.detail})` : ''}. ${MAIL_KEPT}`,
      };
    case 'MailSenderInvalid':
      return {
        title: 'The mailbox Managed Response sends from is not usable',
        text: `${lead}: the sending mailbox${refusal.detail ? ` ${refusal.detail}` : ''} does not exist in your tenant or has no Exchange Online mailbox. Create it (a shared mailbox is enough) or name another one in the service's settings. ${MAIL_KEPT}`,
      };
    case 'MailLookupPermissionMissing':
      return {
        title: "Grant Managed Response the permission to read contacts' mail addresses",
        text: `${lead}: the service needs the Microsoft Graph application permission User.Read.All to find their mail address (or give the address in the service's contact list). ${MAIL_KEPT}`,
      };
    default:
      return {
        title: TITLE,
        text: `${lead}${refusal ? ` (${refusal.code})` : ''}. Check the email fallback's settings. ${MAIL_KEPT}`,
      };
  }
}
