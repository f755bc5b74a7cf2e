// The SOC channel's incident card as a view (`socIncident`: tenant, incident, channel), rendered
// from the current incident, managed response and contact reach when the job is sent or edited.
import type { CardView, DeliveryJob } from '../../delivery/delivery-job.ts';
import type { Rendered } from '../../delivery/perform-operation.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { socMessageKey } from '../../shared/message-keys.ts';
import { socIncidentCard } from '../../../cards/soc-incident.ts';
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
  const names = new Map(
    [...tenant.contacts.primary, ...tenant.contacts.secondary].flatMap((c) =>
      c.name ? [[c.userId.toLowerCase(), c.name] as const] : [],
    ),
  );
  const card = socIncidentCard(incident, response, {
    primary: tenant.contacts.primary,
    reach: await deps.reach.list(tenantId, incidentId),
    names,
  });
  return {
    kind: 'activity',
    activity: cardActivity(card, `Incident ${incident.id}: ${incident.title}`),
  };
}
