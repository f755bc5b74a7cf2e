// The SOC channel's incident card as a view (`socIncident`: tenant, incident, channel), rendered
// from the current incident, managed response and contact reach when the job is sent or edited.
import type { CardView, DeliveryJob } from '../../delivery/delivery-job.ts';
import type { Rendered } from '../../delivery/perform-operation.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { socMessageKey } from '../../shared/message-keys.ts';
import { socIncidentCard, type SocReach } from '../../../cards/soc-incident.ts';
import { reachWords, type ContactReach } from '../../domain/contact-reach.ts';
import { isAwaitingCustomer, type Incident } from '../../domain/incident.ts';
import type { ContactReachStore } from './contact-reach-store.ts';

export const SOC_VIEW = 'socIncident';

export interface SocViewDeps {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  incidents: Pick<IncidentDirectory, 'get'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  reach: Pick<ContactReachStore, 'list'>;
}

export function socView(tenantId: string, incidentId: string, channelId: string): CardView {
  return { kind: SOC_VIEW, tenantId, incidentId, channelId };
}

/** Edits the incident's card in every SOC channel of the tenant (a view: current when sent). */
export function socRefreshJobs(
  tenant: CustomerTenant,
  incidentId: string,
  stamp: string,
  now: string,
): DeliveryJob[] {
  return tenant.socChannels.map((channel) => {
    const key = socMessageKey(tenant.tenantId, incidentId, channel.channelId);
    return {
      id: `${stamp}:soc:${channel.channelId}`,
      orderingKey: key,
      target: {
        kind: 'conversation',
        tenantId: tenant.tenantId,
        conversationId: channel.channelId,
      },
      operation: {
        kind: 'update',
        messageKey: key,
        activity: {
          summary: `Incident ${incidentId}`,
          view: socView(tenant.tenantId, incidentId, channel.channelId),
        },
      },
      createdAt: now,
    };
  });
}

export async function renderSocView(
  deps: SocViewDeps,
  view: CardView,
): Promise<Rendered | undefined> {
  const { tenantId, incidentId } = view;
  if (!tenantId || !incidentId) return undefined;
  const tenant = deps.tenantOf(tenantId);
  const incident = await deps.incidents.get(tenantId, incidentId);
  if (!tenant || !incident) return { kind: 'skip', reason: 'the incident is not known (any more)' };
  const response = (await deps.responses.get(tenantId, incidentId))?.value;
  const card = socIncidentCard(
    incident,
    response,
    socReach(tenant, await deps.reach.list(tenantId, incidentId)),
  );
  return {
    kind: 'activity',
    activity: cardActivity(card, `Incident ${incident.id}: ${incident.title}`),
  };
}

function socReach(tenant: CustomerTenant, reach: readonly ContactReach[]): SocReach {
  const names = new Map(
    [...tenant.contacts.primary, ...tenant.contacts.secondary].flatMap((c) =>
      c.name ? [[c.userId.toLowerCase(), c.name] as const] : [],
    ),
  );
  return { primary: tenant.contacts.primary, reach, names };
}

/** The contacts the SOC card lists, with ids and a reached flag, unbounded (the Experts API). */
export function notifiedContacts(
  tenant: CustomerTenant,
  incident: Incident,
  reach: readonly ContactReach[],
): { userId: string; name: string; how: string; reached: boolean }[] {
  const byUser = new Map(reach.map((r) => [r.userId.toLowerCase(), r]));
  const awaiting = isAwaitingCustomer(incident);
  const primary = awaiting || byUser.size > 0 ? tenant.contacts.primary : [];
  const names = socReach(tenant, reach).names;
  return [...new Set([...primary.map((c) => c.userId.toLowerCase()), ...byUser.keys()])]
    .filter((userId) => awaiting || byUser.has(userId))
    .map((userId) => ({
      userId,
      name: names?.get(userId) ?? userId,
      ...reachWords(byUser.get(userId)),
    }));
}
