// A contact or channel the bot cannot reach (app not installed, bot removed or blocked): tell the
// tenant's admins and SOC channels what to do. The undelivered card waits for the contact.
import { messageCard } from '../../../cards/message.ts';
import { unreachableNoticeData, type InstallRefusal } from '../../../cards/message-unreachable.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { DeliveryJob, DeliveryTarget } from '../../delivery/delivery-job.ts';
import { cardActivity } from '../../shared/card-activity.ts';

export function unreachableNoticeJobs(
  tenant: CustomerTenant,
  target: DeliveryTarget,
  reason: { code?: string; status: number; install?: InstallRefusal },
  now: string,
): DeliveryJob[] {
  const data = unreachableNoticeData(
    tenant,
    target,
    reason.code === 'NotInstalled',
    reason.install,
  );
  const { title } = data;
  const card = messageCard(data);
  const day = now.slice(0, 10);
  const targetKey =
    target.kind === 'conversation'
      ? target.conversationId
      : target.kind === 'email'
        ? `email:${target.userId}`
        : target.userId;
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
