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
