// Renders an email job (view `incidentEmail`) when it comes due, from the current state: nothing
// to send when the tenant stopped emailing, the incident no longer awaits the customer, or (in
// fallback mode) the contact's Teams card was delivered meanwhile. The address comes from the
// tenants file, else from Graph (the user's `mail`).
import { createHash } from 'node:crypto';
import type { CardView, DeliveryJob } from '../../delivery/delivery-job.ts';
import { MAIL_CONTENT_TYPE, type MailContent } from '../../delivery/mail-messenger.ts';
import { MessengerError } from '../../delivery/messenger.ts';
import type { Rendered } from '../../delivery/perform-operation.ts';
import { isAwaitingCustomer } from '../../domain/incident.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { contactMessageKey } from '../../shared/message-keys.ts';
import { incidentEmail } from '../../../cards/incident-email.ts';
import type { EmailSettings } from './email-fallback.ts';

/** What this needs of Graph's users API (src/defender/graph-mail-client.ts). */
export interface MailDirectory {
  mailAddress(
    userId: string,
  ): Promise<
    | { kind: 'found'; address: string | null }
    | { kind: 'userNotFound' }
    | { kind: 'permissionMissing'; permission: string }
  >;
}

export interface RenderEmailDeps {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  settingsOf: (tenant: CustomerTenant) => EmailSettings | undefined;
  incidents: Pick<IncidentDirectory, 'get'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  delivery: Pick<Delivery, 'findDelivery'>;
  awaitingCount: (tenantId: string) => Promise<number>;
  directoryFor: (tenantId: string) => MailDirectory | undefined;
  /** Why Teams has not reached this contact for this incident, in words, if known. */
  teamsReason?: (
    tenantId: string,
    incidentId: string,
    userId: string,
  ) => Promise<string | undefined>;
}

const skip = (reason: string): Rendered => ({ kind: 'skip', reason });

export async function renderEmail(
  deps: RenderEmailDeps,
  job: DeliveryJob,
  view: CardView,
): Promise<Rendered> {
  const { tenantId, incidentId, userId } = view;
  if (!tenantId || !incidentId || !userId) return skip('the email job names no contact');
  const tenant = deps.tenantOf(tenantId);
  if (!tenant) return skip('the tenant is no longer served');
  const settings = deps.settingsOf(tenant);
  if (!settings) return skip('the tenant has no mailbox to send from');
  const incident = await deps.incidents.get(tenantId, incidentId);
  if (!incident || !isAwaitingCustomer(incident))
    return skip('the incident no longer awaits the customer');
  const mode = view.mode === 'always' ? 'always' : 'fallback';
  if (mode === 'fallback') {
    const card = await deps.delivery.findDelivery(contactMessageKey(tenantId, incidentId, userId));
    if (card) return skip('reached in Teams');
  }
  const contact = [...tenant.contacts.primary, ...tenant.contacts.secondary].find(
    (c) => c.userId.toLowerCase() === userId.toLowerCase(),
  );
  const address = contact?.mail ?? (await lookUp(deps, tenantId, userId));
  if (!address) return skip('the contact has no mail address');
  const email = incidentEmail({
    incident,
    organizationName: tenant.name,
    response: (await deps.responses.get(tenantId, incidentId))?.value,
    awaitingCount: await deps.awaitingCount(tenantId),
    contactName: contact?.name,
    reason:
      mode === 'always'
        ? { kind: 'always' }
        : { kind: 'fallback', teamsReason: await deps.teamsReason?.(tenantId, incidentId, userId) },
  });
  const mail: MailContent = {
    from: settings.from,
    to: { address, ...(contact?.name ? { name: contact.name } : {}) },
    ...email,
    messageId: `${createHash('sha256').update(job.id).digest('hex').slice(0, 32)}@managed-response`,
  };
  return {
    kind: 'activity',
    activity: {
      summary: email.subject,
      attachments: [{ contentType: MAIL_CONTENT_TYPE, content: mail }],
    },
  };
}

async function lookUp(
  deps: RenderEmailDeps,
  tenantId: string,
  userId: string,
): Promise<string | null> {
  const directory = deps.directoryFor(tenantId);
  if (!directory) return null;
  const found = await directory.mailAddress(userId);
  if (found.kind === 'found') return found.address;
  if (found.kind === 'userNotFound') return null;
  throw new MessengerError(`looking up the contact's mail address needs ${found.permission}`, {
    status: 403,
    code: 'MailLookupPermissionMissing',
  });
}
