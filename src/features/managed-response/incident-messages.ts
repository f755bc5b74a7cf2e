// The words the service writes about a managed response: Defender incident comments (publish,
// hand-back) and the short replies under the SOC channel's incident card.
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { ResponseAction } from '../../domain/response-action.ts';
import { isFinished, isOneClick } from '../../domain/response-action.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { socMessageKey } from '../../shared/message-keys.ts';
import { plural, truncate } from '../../../cards/card-text.ts';
import { EXPERTS_ACTOR } from '../../domain/actors.ts';
import { recommendedActions } from '../../domain/undo-action.ts';

const PREFIX = 'Managed response';

export function publishComment(response: ManagedResponse, added = false): string {
  const pending = recommendedActions(response.actions).filter((a) => !isFinished(a));
  const done = response.actions.filter((a) => a.updatedBy?.userId === EXPERTS_ACTOR.userId);
  const parts = [
    `${PREFIX}: Defender Experts ${added ? 'added response actions' : 'published the investigation summary'} - ${truncate(response.summary.headline, 300)}`,
  ];
  if (pending.length > 0) {
    parts.push(
      `${plural(pending.length, 'action')} await the customer: ${titles(pending)}. The incident is assigned to the Customer until they are done.`,
    );
  }
  if (done.length > 0) parts.push(`Completed by the experts: ${titles(done)}.`);
  return parts.join('\n');
}

/** What the customer did, for the experts, when the last pending action is done. */
export function handBackComment(response: ManagedResponse): string {
  const byCustomer = (a: ResponseAction) => a.updatedBy?.userId !== EXPERTS_ACTOR.userId;
  const completed = response.actions.filter((a) => a.status === 'completed' && byCustomer(a));
  const skipped = response.actions.filter((a) => a.status === 'skipped' && byCustomer(a));
  const lines = [
    `${PREFIX}: every response action is done; the incident is back with Defender Experts.`,
  ];
  if (completed.length > 0) lines.push(`Completed by the customer: ${described(completed)}.`);
  if (skipped.length > 0) lines.push(`Skipped by the customer: ${described(skipped)}.`);
  return lines.join('\n');
}

export function handBackSocText(response: ManagedResponse): string {
  const skipped = response.actions.filter((a) => a.status === 'skipped').length;
  const tail = skipped > 0 ? ` (${plural(skipped, 'action')} skipped)` : '';
  return `All response actions are done${tail}: incident ${response.incidentId} is back with Defender Experts.`;
}

export function expertUpdateSocText(text: string, author: string): string {
  return `**Update from ${author}:** ${truncate(text, 3000)}`;
}

/** A plain reply under the SOC incident card of every SOC channel of the tenant. */
export function socReplyJobs(
  tenant: CustomerTenant,
  incidentId: string,
  text: string,
  stamp: string,
  now: string,
): DeliveryJob[] {
  return tenant.socChannels.map((channel) => {
    const key = socMessageKey(tenant.tenantId, incidentId, channel.channelId);
    return {
      id: `mr-note:${tenant.tenantId.toLowerCase()}:${incidentId}:${channel.channelId}:${stamp}`,
      orderingKey: key,
      target: {
        kind: 'conversation',
        tenantId: tenant.tenantId,
        conversationId: channel.channelId,
      },
      operation: { kind: 'send', replyToMessageKey: key, activity: { text } },
      createdAt: now,
    };
  });
}

function titles(actions: readonly ResponseAction[]): string {
  return truncate(actions.map((a) => a.title).join('; '), 1500);
}

function described(actions: readonly ResponseAction[]): string {
  const items = actions.map((a) => {
    const note = a.history.at(-1)?.note;
    // A one-click action is finished by Defender; the customer is who started it.
    const who = (isOneClick(a) ? a.requestedBy?.name : undefined) ?? a.updatedBy?.name ?? 'someone';
    return `${a.title} (${who}${note ? `: ${truncate(note, 200)}` : ''})`;
  });
  return truncate(items.join('; '), 3000);
}
