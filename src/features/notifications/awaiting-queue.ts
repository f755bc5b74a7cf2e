// The awaiting queue: incidents handled by the experts that await a tenant's action, newest first.
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { AwaitingTracker } from './awaiting-tracker.ts';
import { awaitingQueueCard as renderQueue } from '../../../cards/awaiting-queue.ts';

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
  return renderQueue({ tenantId: tenant.tenantId, organizationName: tenant.name, incidents });
}
