// The delivery jobs of reminders, escalations and daily digests. Ids are deterministic (tenant,
// incident, awaiting period, recipient; or day), so planning again after a restart or on a
// second instance adds nothing: the delivery engine drops ids it already knows.
import type { TextColor } from '../../../cards/card-parts.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { ContactRef, CustomerTenant } from '../../domain/tenant.ts';
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import { awaitingQueueCard } from '../../../cards/awaiting-queue.ts';
import { notificationCard } from '../../../cards/incident-notification.ts';
import { plural } from '../../../cards/card-text.ts';
import { contactMessageKey } from '../../shared/message-keys.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { IncidentClaim } from '../../domain/incident-claim.ts';
import { viewerOf } from './claim-copies.ts';
import { contactView } from './contact-view.ts';

export interface AwaitingIncident {
  incident: Incident;
  /** When the incident started awaiting the customer (ISO). */
  since: string;
  response: ManagedResponse | undefined;
}

/** "4 hours", "90 minutes" → "1 hour 30 minutes", "1 day"... for kickers. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (rest > 0) return `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
  if (hours >= 48 && hours % 24 === 0) return plural(hours / 24, 'day');
  return plural(hours, 'hour');
}

/** The awaiting period in ids: a later period of the same incident gets its own reminders. */
function periodOf(since: string): string {
  const ms = Date.parse(since);
  return Number.isNaN(ms) ? since : String(ms);
}

function contactCardJobs(
  kind: 'reminder' | 'escalation',
  tenant: CustomerTenant,
  item: AwaitingIncident,
  recipients: readonly ContactRef[],
  options: {
    n: number;
    kicker: { text: string; color: TextColor };
    awaitingCount: number;
    now: string;
    /** An active claim (shown when claims do not hold reminders back). */
    claim?: IncidentClaim;
  },
): DeliveryJob[] {
  const { incident } = item;
  const tenantKey = tenant.tenantId.toLowerCase();
  const period = periodOf(item.since);
  return recipients.map((contact) => {
    const user = contact.userId.toLowerCase();
    // Each contact's copy is theirs: whether they may claim, whether they hold the claim.
    const card = notificationCard({
      incident,
      organizationName: tenant.name,
      response: item.response,
      awaitingCount: options.awaitingCount,
      kicker: options.kicker,
      ...(options.claim ? { claim: options.claim } : {}),
      viewer: viewerOf(tenant, contact.userId),
    });
    // The newest card in a contact's chat is the one later changes of the incident edit.
    const messageKey = contactMessageKey(tenant.tenantId, incident.id, contact.userId);
    return {
      id:
        kind === 'reminder'
          ? `reminder:${tenantKey}:${incident.id}:${period}:${options.n}:${user}`
          : `escalation:${tenantKey}:${incident.id}:${period}:${user}`,
      orderingKey: messageKey,
      target: { kind: 'personal', tenantId: tenant.tenantId, userId: contact.userId },
      operation: {
        kind: 'send',
        // The view re-renders the card from the state when it is sent (a reminder parked until
        // the app is installed shows the incident as it is then); the card rendered now stays
        // as the fallback for an engine without the renderer.
        activity: {
          ...cardActivity(card, `${options.kicker.text}: ${incident.title}`),
          view: {
            ...contactView(tenant.tenantId, incident.id, contact.userId),
            kicker: options.kicker.text,
            kickerColor: options.kicker.color,
          },
        },
      },
      messageKey,
      createdAt: options.now,
    };
  });
}

export function reminderJobs(
  tenant: CustomerTenant,
  item: AwaitingIncident,
  options: { n: number; after: number; awaitingCount: number; now: string; claim?: IncidentClaim },
): DeliveryJob[] {
  return contactCardJobs('reminder', tenant, item, tenant.contacts.primary, {
    ...options,
    kicker: {
      text: `Reminder: still awaiting your action after ${formatDuration(options.after)}`,
      color: 'warning',
    },
  });
}

export function escalationJobs(
  tenant: CustomerTenant,
  item: AwaitingIncident,
  options: { after: number; awaitingCount: number; now: string; claim?: IncidentClaim },
): DeliveryJob[] {
  return contactCardJobs('escalation', tenant, item, tenant.contacts.secondary, {
    ...options,
    n: 1,
    kicker: {
      text: `Escalation: still awaiting action after ${formatDuration(options.after)}; the primary contacts have not completed it`,
      color: 'attention',
    },
  });
}

export function digestJob(
  tenant: CustomerTenant,
  contact: ContactRef,
  items: readonly AwaitingIncident[],
  now: string,
): DeliveryJob {
  const card = awaitingQueueCard({
    tenantId: tenant.tenantId,
    organizationName: tenant.name,
    incidents: items.map((i) => ({
      incident: i.incident,
      awaitingSince: i.since,
      response: i.response,
    })),
  });
  const user = contact.userId.toLowerCase();
  const day = now.slice(0, 10);
  return {
    id: `digest:${tenant.tenantId.toLowerCase()}:${user}:${day}`,
    orderingKey: `digest:${tenant.tenantId.toLowerCase()}:${user}`,
    target: { kind: 'personal', tenantId: tenant.tenantId, userId: contact.userId },
    operation: {
      kind: 'send',
      activity: cardActivity(
        card,
        `Daily digest: ${plural(items.length, 'incident')} ${items.length === 1 ? 'awaits' : 'await'} your action`,
      ),
    },
    createdAt: now,
  };
}
