// The slices of infrastructure the managed-response use cases call. DefenderClientFactory and
// DeliveryEngine satisfy them as they are; tests pass small fakes.
import type { GraphIncidentsClient } from '../../defender/graph-incidents-client.ts';
import type { MachinesClient } from '../../defender/machines-client.ts';
import type { MachineActionsClient } from '../../defender/machine-actions-client.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';

export type IncidentsPort = Pick<
  GraphIncidentsClient,
  'getIncident' | 'updateIncident' | 'addComment'
>;
export type MachineActionsPort = Pick<
  MachineActionsClient,
  'runAction' | 'getAction' | 'findPendingAction'
> &
  Partial<Pick<MachineActionsClient, 'listDeviceActions'>>;

export type MachinesPort = Pick<MachinesClient, 'getMachine'>;

export interface TenantDefender {
  tenant: CustomerTenant;
  incidents: IncidentsPort;
  machineActions: MachineActionsPort;
  /** Device facts for the task cards; absent in fakes that do not need them. */
  machines?: MachinesPort;
}

export interface DefenderPort {
  /** Throws NotFoundError for a tenant that is not configured. */
  forTenant(tenantId: string): TenantDefender;
  tenants(): CustomerTenant[];
}
