// Keeps every copy of an incident's managed-response cards in step with the incident itself
// (status, hand-back, resolution with classification and determination): the notification
// service calls this after each incident event it planned. It also sends SOC copies that were
// waiting for their parent card.
import type { DeviceFactsSource } from './device-facts.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import type { WriteOp } from '../../store/store.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { CardCopies } from './card-copies.ts';
import { updateCopyJobs } from './copy-jobs.ts';
import type { DefenderPort } from './ports.ts';
import { refreshAudience, type AudienceSource } from './refresh-audience.ts';
import { deferredCopyOps } from './soc-copies.ts';

export interface RefreshCopiesDeps {
  repository: ManagedResponseRepository;
  defender: DefenderPort;
  incidents: Pick<IncidentDirectory, 'get'>;
  conversations: AudienceSource;
  copies: CardCopies;
  delivery: Delivery;
  store: { batch(ops: WriteOp[]): Promise<void> };
  now: Clock;
  /** Device facts on the task cards (absent: none shown). */
  deviceFacts?: DeviceFactsSource;
}

export async function refreshCopies(
  deps: RefreshCopiesDeps,
  tenantId: string,
  incidentId: string,
  options: { parentPlanned: boolean; graceMs: number },
): Promise<number> {
  const record = await deps.repository.get(tenantId, incidentId);
  if (!record) return 0;
  let tenant;
  try {
    tenant = deps.defender.forTenant(tenantId).tenant;
  } catch (err) {
    if (isDomainError(err, 'NOT_FOUND')) return 0;
    throw err;
  }
  const copies = await deps.copies.list(tenant.tenantId, incidentId);
  if (copies.length === 0) return 0;
  const incident = await deps.incidents.get(tenant.tenantId, incidentId);
  const now = deps.now().toISOString();
  const stamp = `inc-${incident?.lastUpdatedAt ?? now}-v${record.version}`;
  const audience = await refreshAudience(deps.conversations, tenant);
  const devices = await deps.deviceFacts?.forResponse(record.value);
  const ctx = {
    tenant,
    response: record.value,
    incident,
    audience,
    stamp,
    now,
    ...(devices && { devices }),
  };
  const jobs = updateCopyJobs(copies, ctx, 'both');
  const ops = [
    ...deps.delivery.enqueueOps(jobs),
    ...(await deferredCopyOps(deps, tenant, record.value, incident, copies, {
      stamp,
      now,
      parentPlanned: options.parentPlanned,
      graceMs: options.graceMs,
    })),
  ];
  if (ops.length === 0) return 0;
  await deps.store.batch(ops);
  deps.delivery.wake();
  return jobs.length;
}
