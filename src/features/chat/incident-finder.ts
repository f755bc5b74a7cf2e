// Whether a tenant owns an incident, and what it looks like: the watcher's snapshot when it has
// one, else Defender itself (an incident the watcher has not polled yet). "Not found" in the
// tenant's own Defender means the tenant does not own it, whoever does.
import { isDomainError } from '../../domain/errors.ts';
import type { Incident } from '../../domain/incident.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';

export type FindIncident = (tenantId: string, incidentId: string) => Promise<Incident | undefined>;

export function incidentFinder(deps: {
  directory: Pick<IncidentDirectory, 'get'>;
  /** Reads the incident from the tenant's Defender; rejects with NotFoundError when absent. */
  fetch?: (tenantId: string, incidentId: string) => Promise<Incident>;
}): FindIncident {
  return async (tenantId, incidentId) => {
    const known = await deps.directory.get(tenantId, incidentId);
    if (known) return known;
    if (!deps.fetch) return undefined;
    try {
      const incident = await deps.fetch(tenantId, incidentId);
      return incident.tenantId.toLowerCase() === tenantId.toLowerCase() ? incident : undefined;
    } catch (err) {
      if (isDomainError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
  };
}
