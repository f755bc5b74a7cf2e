// Every contact's copy of an incident's Awaiting Customer Action card, re-rendered for its viewer
// (their role, whether they hold the claim) after the claim changed. Only copies that were
// delivered are edited: a contact who never got the card does not get one because of a claim.
import type { TextColor } from '../../../cards/card-parts.ts';
import { notificationCard } from '../../../cards/incident-notification.ts';
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { IncidentClaim } from '../../domain/incident-claim.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { resolveRole } from '../../domain/roles.ts';
import { incidentContacts, type CustomerTenant } from '../../domain/tenant.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { Delivery } from '../../shared/delivery.ts';
import { contactMessageKey } from '../../shared/message-keys.ts';

export interface ClaimCardState {
  tenant: CustomerTenant;
  incident: Incident;
  response: ManagedResponse | undefined;
  /** The active claim after the change (undefined: released or lapsed). */
  claim: IncidentClaim | undefined;
  awaitingCount: number;
  /** What the click did, on the clicker's own copy. */
  kicker?: { text: string; color: TextColor };
}

/** The viewer of a contact's 1:1 copy: a Security Operator may claim, a Reader may not. */
export function viewerOf(tenant: CustomerTenant, userId: string) {
  return { userId, operator: resolveRole(tenant.roles, userId, []) === 'securityOperator' };
}

export function claimCard(state: ClaimCardState, userId: string) {
  return notificationCard({
    incident: state.incident,
    organizationName: state.tenant.name,
    response: state.response,
    awaitingCount: state.awaitingCount,
    ...(state.kicker ? { kicker: state.kicker } : {}),
    ...(state.claim ? { claim: state.claim } : {}),
    viewer: viewerOf(state.tenant, userId),
  });
}

/** Update jobs for every delivered copy; `change` makes the ids unique per claim change. */
export async function claimCopyJobs(
  delivery: Pick<Delivery, 'findDelivery'>,
  state: ClaimCardState,
  change: string,
  now: string,
  /** The clicker's copy keeps what the click answered (the edit would otherwise drop it). */
  clicker?: { userId: string; kicker: { text: string; color: TextColor } },
): Promise<DeliveryJob[]> {
  const { tenant, incident } = state;
  const jobs: DeliveryJob[] = [];
  for (const contact of incidentContacts(tenant)) {
    const key = contactMessageKey(tenant.tenantId, incident.id, contact.userId);
    if (!(await delivery.findDelivery(key))) continue;
    const summary = state.claim
      ? `${state.claim.name} is on it: ${incident.title}`
      : `Incident ${incident.id}: ${incident.title}`;
    jobs.push({
      id: `claim:${tenant.tenantId.toLowerCase()}:${incident.id}:${change}:${contact.userId.toLowerCase()}`,
      orderingKey: key,
      target: { kind: 'personal', tenantId: tenant.tenantId, userId: contact.userId },
      operation: {
        kind: 'update',
        messageKey: key,
        activity: cardActivity(
          claimCard(
            clicker && sameUser(clicker.userId, contact.userId)
              ? { ...state, kicker: clicker.kicker }
              : state,
            contact.userId,
          ),
          summary,
        ),
      },
      createdAt: now,
    });
  }
  return jobs;
}

function sameUser(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
