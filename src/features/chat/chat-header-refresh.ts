// Keeps the header card that opens an incident's thread in the experts' channel current: when the
// incident changes (status, pending actions), the header is edited in place.
import type { Clock } from '../../platform/clock.ts';
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { chatHeaderActivity } from './chat-jobs.ts';
import { chatHeaderData } from '../../../cards/chat-header.ts';
import {
  expertsOrderingKey,
  expertsTarget,
  threadMessageKey,
  type ExpertsSide,
} from './chat-jobs.ts';

export async function chatHeaderRefreshJobs(
  event: OutboxEvent,
  deps: {
    experts: ExpertsSide;
    tenantOf: (tenantId: string) => CustomerTenant | undefined;
    incidents: Pick<IncidentDirectory, 'get'>;
    responses: Pick<ManagedResponseRepository, 'get'>;
    /** Whether the thread exists (its header was delivered). */
    threadExists: (messageKey: string) => Promise<boolean>;
    now: Clock;
  },
): Promise<DeliveryJob[]> {
  const key = threadMessageKey(event.tenantId, event.incidentId);
  const tenant = deps.tenantOf(event.tenantId);
  if (!tenant || !(await deps.threadExists(key))) return [];
  const incident = (await deps.incidents.get(event.tenantId, event.incidentId)) ?? event.incident;
  const response = (await deps.responses.get(event.tenantId, event.incidentId))?.value;
  return [
    {
      id: `${event.id}:chat-header`,
      orderingKey: expertsOrderingKey(event.tenantId, event.incidentId),
      target: expertsTarget(deps.experts),
      operation: {
        kind: 'update',
        messageKey: key,
        activity: chatHeaderActivity(chatHeaderData(incident, tenant.name, response)),
      },
      createdAt: deps.now().toISOString(),
    },
  ];
}
