// The slices of infrastructure the managed-response use cases call. DefenderClientFactory and
// DeliveryEngine satisfy them as they are; tests pass small fakes.
import type { GraphIncidentsClient } from '../../defender/graph-incidents-client.ts';
import type { MachineActionsClient } from '../../defender/machine-actions-client.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';

export type IncidentsPort = Pick<
  GraphIncidentsClient,
  'getIncident' | 'updateIncident' | 'addComment'
>;
export type MachineActionsPort = Pick<
  MachineActionsClient,
  'runAction' | 'getAction' | 'findPendingAction'
>;

export interface TenantDefender {
  tenant: CustomerTenant;
  incidents: IncidentsPort;
  machineActions: MachineActionsPort;
}

export interface DefenderPort {
  /** Throws NotFoundError for a tenant that is not configured. */
  forTenant(tenantId: string): TenantDefender;
  tenants(): CustomerTenant[];
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The actor recorded when the experts act (publish, complete on the customer's behalf). */
export const EXPERTS_ACTOR = { userId: 'experts', name: 'Defender Experts' } as const;
/** The actor recorded for outcomes Defender reports (machine action finished). */
export const DEFENDER_ACTOR = { userId: 'defender', name: 'Microsoft Defender' } as const;
