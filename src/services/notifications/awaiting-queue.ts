// The awaiting queue: incidents handled by the experts that await a tenant's action, newest first.
import { renderCard } from '../../../cards/render-card.ts';
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { AwaitingTracker } from './awaiting-tracker.ts';
import { awaitingQueueCardData } from './incident-cards.ts';

export async function awaitingQueueCard(
  tenant: CustomerTenant,
  awaiting: AwaitingTracker,
  responses: ManagedResponseRepository,
): Promise<AdaptiveCard> {
  const rows = await awaiting.list(tenant.tenantId);
  const incidents = await Promise.all(
    rows.map(async ({ incident, since }) => ({
      incident,
      awaitingSince: since,
      response: (await responses.get(tenant.tenantId, incident.id))?.value,
    })),
  );
  return renderCard(
    'awaiting-queue',
    awaitingQueueCardData({ tenantId: tenant.tenantId, organizationName: tenant.name, incidents }),
  );
}
