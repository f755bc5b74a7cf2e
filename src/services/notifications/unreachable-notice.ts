// A contact or channel the bot cannot reach (app not installed, bot removed or blocked): tell the
// tenant's admins and SOC channels what to do. The undelivered card waits for the contact.
import { renderCard } from '../../../cards/render-card.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { DeliveryJob, DeliveryTarget } from '../../delivery/delivery-job.ts';
import { cardActivity } from '../../shared/card-activity.ts';

export function unreachableNoticeJobs(
  tenant: CustomerTenant,
  target: DeliveryTarget,
  reason: { code?: string; status: number },
  now: string,
): DeliveryJob[] {
  const { title, text } = noticeText(tenant, target, reason.code === 'NotInstalled');
  const card = renderCard('message', {
    title,
    text,
    style: 'warning',
    facts: [{ title: 'Organisation', value: tenant.name }],
  });
  const day = now.slice(0, 10);
  const targetKey = target.kind === 'personal' ? target.userId : target.conversationId;
  const jobs: DeliveryJob[] = [];
  for (const channel of tenant.socChannels) {
    if (target.kind === 'conversation' && target.conversationId === channel.channelId) continue;
    jobs.push({
      id: `unreachable:${tenant.tenantId}:${targetKey}:${day}:soc:${channel.channelId}`,
      orderingKey: `notice:${tenant.tenantId}:${channel.channelId}`,
      target: {
        kind: 'conversation',
        tenantId: tenant.tenantId,
        conversationId: channel.channelId,
      },
      operation: {
        kind: 'send',
        activity: cardActivity(card, title),
      },
      createdAt: now,
    });
  }
  for (const admin of tenant.admins) {
    if (target.kind === 'personal' && admin.toLowerCase() === target.userId.toLowerCase()) continue;
    jobs.push({
      id: `unreachable:${tenant.tenantId}:${targetKey}:${day}:admin:${admin.toLowerCase()}`,
      orderingKey: `notice:${tenant.tenantId}:${admin.toLowerCase()}`,
      target: { kind: 'personal', tenantId: tenant.tenantId, userId: admin },
      operation: {
        kind: 'send',
        activity: cardActivity(card, title),
      },
      createdAt: now,
    });
  }
  return jobs;
}

function noticeText(
  tenant: CustomerTenant,
  target: DeliveryTarget,
  notInstalled: boolean,
): { title: string; text: string } {
  if (target.kind === 'personal') {
    const who =
      [...tenant.contacts.primary, ...tenant.contacts.secondary].find(
        (c) => c.userId.toLowerCase() === target.userId.toLowerCase(),
      )?.name ?? `The user ${target.userId}`;
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
