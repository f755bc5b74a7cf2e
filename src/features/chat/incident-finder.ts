// Whether a tenant owns an incident, and what it looks like: the watcher's snapshot when it has
// one, else Defender itself (an incident the watcher has not polled yet). "Not found" in the
// tenant's own Defender means the tenant does not own it, whoever does. Asking Defender costs a
// Graph call that a message caused, so it first takes a unit of the sender's look-up budget
// (`spend` throws BudgetExceededError when it is spent; bot/ answers it with the slow-down card).
import { isDomainError } from '../../domain/errors.ts';
import type { Incident } from '../../domain/incident.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';

/** `by`: who asked (their look-up budget pays for a Defender call). */
export type FindIncident = (
  tenantId: string,
  incidentId: string,
  by?: { userId?: string },
) => Promise<Incident | undefined>;

export function incidentFinder(deps: {
  directory: Pick<IncidentDirectory, 'get'>;
  /** Reads the incident from the tenant's Defender; rejects with NotFoundError when absent. */
  fetch?: (tenantId: string, incidentId: string) => Promise<Incident>;
  /** Takes one look-up from the user's and the tenant's budget, or throws. */
  spend?: (tenantId: string, userId: string | undefined) => Promise<void>;
}): FindIncident {
  return async (tenantId, incidentId, by) => {
    const known = await deps.directory.get(tenantId, incidentId);
    if (known) return known;
    if (!deps.fetch) return undefined;
    await deps.spend?.(tenantId, by?.userId);
    try {
      const incident = await deps.fetch(tenantId, incidentId);
      return incident.tenantId.toLowerCase() === tenantId.toLowerCase() ? incident : undefined;
    } catch (err) {
      if (isDomainError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
  };
}
