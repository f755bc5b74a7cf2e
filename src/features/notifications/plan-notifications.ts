// Turns one outbox event into delivery jobs: the SOC channel card (edited in place) with a
// threaded step line, and, when the incident moves to Awaiting Customer Action, a 1:1 card to
// each primary incident contact. Job ids derive from the event id, so replanning is harmless.
// The SOC and contact cards are views (card kind + ids), rendered from the state of the moment
// they are sent or edited (soc-view.ts, contact-view.ts); the step line is the event's own record
// and keeps the words of its moment.
import { cardActivity } from '../../shared/card-activity.ts';
import { truncate } from '../../../cards/card-text.ts';
import type { Incident } from '../../domain/incident.ts';
import { isAwaitingCustomer, isHandledByExperts } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import { contactMessageKey, socMessageKey } from '../../shared/message-keys.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';
import { stepCard, stepCardData } from '../../../cards/soc-incident-step.ts';
import { contactView } from './contact-view.ts';
import { socView } from './soc-view.ts';
import { emailFallbackJobs, type EmailSettings } from './email-fallback.ts';

export interface PlanContext {
  tenant: CustomerTenant;
  /** The incident as it is now (latest snapshot); the event's own snapshot when unknown. */
  current: Incident;
  response: ManagedResponse | undefined;
  awaitingCount: number;
  /** Whether a contact already got this incident's card (then it is kept current too). */
  contactHasCard: (messageKey: string) => Promise<boolean>;
  now: string;
  /** The tenant's email fallback (absent: no email). */
  email?: EmailSettings;
}

export async function planNotifications(
  event: OutboxEvent,
  ctx: PlanContext,
): Promise<DeliveryJob[]> {
  const jobs: DeliveryJob[] = [];
  const { tenant, current, response } = ctx;
  const base = { createdAt: ctx.now };

  if (isHandledByExperts(current) || isHandledByExperts(event.incident)) {
    const step = stepCardData(event.change, event.incident, response, event.detectedAt);
    for (const channel of tenant.socChannels) {
      const key = socMessageKey(tenant.tenantId, event.incidentId, channel.channelId);
      const target = {
        kind: 'conversation' as const,
        tenantId: tenant.tenantId,
        conversationId: channel.channelId,
      };
      jobs.push({
        ...base,
        id: `${event.id}:soc:${channel.channelId}`,
        orderingKey: key,
        target,
        operation: {
          kind: 'update',
          messageKey: key,
          activity: {
            summary: truncate(`Incident ${current.id}: ${current.title}`, 200),
            view: socView(tenant.tenantId, event.incidentId, channel.channelId),
          },
        },
      });
      if (step) {
        jobs.push({
          ...base,
          id: `${event.id}:soc-step:${channel.channelId}`,
          orderingKey: key,
          target,
          operation: {
            kind: 'send',
            replyToMessageKey: key,
            activity: cardActivity(stepCard(step), step.text),
          },
        });
      }
    }
  }

  const contactCard = (userId: string, summary: string) => ({
    summary: truncate(summary, 200),
    view: contactView(tenant.tenantId, event.incidentId, userId),
  });
  if (event.change.type === 'awaitingCustomer' && isAwaitingCustomer(current)) {
    for (const contact of tenant.contacts.primary) {
      const key = contactMessageKey(tenant.tenantId, event.incidentId, contact.userId);
      jobs.push({
        ...base,
        id: `${event.id}:contact:${contact.userId.toLowerCase()}`,
        orderingKey: key,
        target: { kind: 'personal', tenantId: tenant.tenantId, userId: contact.userId },
        operation: {
          kind: 'send',
          activity: contactCard(contact.userId, `Awaiting your action: ${current.title}`),
        },
        messageKey: key,
      });
    }
    if (ctx.email) jobs.push(...emailFallbackJobs(event, tenant, ctx.email, ctx.now));
  } else {
    // Keep the cards contacts already have current (e.g. back with the experts, resolved).
    for (const contact of tenant.contacts.primary) {
      const key = contactMessageKey(tenant.tenantId, event.incidentId, contact.userId);
      if (!(await ctx.contactHasCard(key))) continue;
      jobs.push({
        ...base,
        id: `${event.id}:contact-update:${contact.userId.toLowerCase()}`,
        orderingKey: key,
        target: { kind: 'personal', tenantId: tenant.tenantId, userId: contact.userId },
        operation: {
          kind: 'update',
          messageKey: key,
          activity: contactCard(contact.userId, `Incident ${current.id}: ${current.title}`),
        },
      });
    }
  }
  return jobs;
}
