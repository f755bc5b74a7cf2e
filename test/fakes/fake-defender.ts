// The customer tenants' Defender for tests that build the app but never reach Defender: the
// tenants, incidents the tenant owns (else not found), comments recorded.
import type { AppDefender } from '../../src/app/build-app.ts';
import { DefenderNotFoundError } from '../../src/defender/errors.ts';
import { NotFoundError } from '../../src/domain/errors.ts';
import type { Incident } from '../../src/domain/incident.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';

export interface FakeDefenderOptions {
  incidents?: readonly Incident[];
  /** Called for each Graph comment (chat `comment`); default: ignored. */
  onComment?: (tenantId: string, incidentId: string, comment: string) => void | Promise<void>;
}

export function fakeDefender(
  tenants: readonly CustomerTenant[],
  options: FakeDefenderOptions = {},
): AppDefender {
  const owned = (tenantId: string) =>
    (options.incidents ?? []).filter((i) => i.tenantId.toLowerCase() === tenantId.toLowerCase());
  const never = (what: string) => () => Promise.reject(new Error(`fake Defender: no ${what}`));
  return {
    tenants: () => [...tenants],
    forTenant(tenantId) {
      const tenant = tenants.find((t) => t.tenantId.toLowerCase() === tenantId.toLowerCase());
      if (!tenant) throw new NotFoundError('customer tenant', tenantId);
      const find = (incidentId: string) => {
        const incident = owned(tenantId).find((i) => i.id === incidentId);
        if (!incident) throw new DefenderNotFoundError('graph', 'incident', incidentId);
        return incident;
      };
      return {
        tenant,
        incidents: {
          listIncidents: async () => owned(tenantId),
          getIncident: async (incidentId: string) => ({ incident: find(incidentId), alerts: [] }),
          updateIncident: never('incident updates'),
          addComment: async (incidentId: string, comment: string) => {
            await options.onComment?.(tenantId, incidentId, comment);
            return [];
          },
        },
        machineActions: {
          runAction: never('machine actions'),
          getAction: never('machine actions'),
          findPendingAction: async () => undefined,
        },
      };
    },
  };
}
