// The email fallback: when an incident awaits the customer, each primary contact also gets an
// email job, due once the tenant's wait has passed (default EMAIL_FALLBACK_AFTER_MINUTES, 10) or
// at once for a tenant that chose email too. The job refers to what it shows (the view
// `incidentEmail`); when it comes due, render-email.ts decides from the current state: a contact
// the Teams card reached by then, or an incident no longer awaiting them, gets nothing (the job
// is recorded as skipped). The job id derives from the event id, so it is planned once, in the
// same batch as the cards, and sent once: a durable job like every delivery.
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { contactMessageKey } from '../../shared/message-keys.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';

export const EMAIL_VIEW = 'incidentEmail';

export interface EmailDefaults {
  /** MAIL_FROM: the sender mailbox when the tenant names none ('' = none). */
  from: string;
  fallbackAfterMinutes: number;
}

export interface EmailSettings {
  from: string;
  afterMs: number;
  mode: 'fallback' | 'always';
}

/** The tenant's email fallback, or undefined when it has no mailbox to send from. */
export function emailSettings(
  tenant: CustomerTenant,
  defaults: EmailDefaults,
): EmailSettings | undefined {
  const from = tenant.email?.from ?? defaults.from;
  if (!from) return undefined;
  return {
    from,
    afterMs: (tenant.email?.afterMinutes ?? defaults.fallbackAfterMinutes) * 60_000,
    mode: tenant.email?.mode ?? 'fallback',
  };
}

export function emailFallbackJobs(
  event: OutboxEvent,
  tenant: CustomerTenant,
  settings: EmailSettings,
  now: string,
): DeliveryJob[] {
  const due =
    settings.mode === 'always'
      ? undefined
      : new Date(Date.parse(now) + settings.afterMs).toISOString();
  return tenant.contacts.primary.map((contact) => {
    const userId = contact.userId.toLowerCase();
    return {
      id: `${event.id}:email:${userId}`,
      orderingKey: `email:${contactMessageKey(tenant.tenantId, event.incidentId, contact.userId)}`,
      target: { kind: 'email', tenantId: tenant.tenantId, userId: contact.userId },
      operation: {
        kind: 'send',
        activity: {
          summary: `Awaiting your action: incident ${event.incidentId}`,
          view: {
            kind: EMAIL_VIEW,
            tenantId: tenant.tenantId,
            incidentId: event.incidentId,
            userId: contact.userId,
            mode: settings.mode,
          },
        },
      },
      createdAt: now,
      ...(due ? { notBefore: due } : {}),
    };
  });
}
