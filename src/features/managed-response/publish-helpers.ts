// Small pieces of the experts' use cases: finding the incident, waiting a bounded time for the
// Graph update, audit entries, input checks and the version-conflict error.
import { InvalidInputError } from '../../domain/errors.ts';
import type { Incident } from '../../domain/incident.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { NewAuditEntry } from './audit-trail.ts';
import type { IncidentTasks } from './incident-tasks.ts';
import type { DefenderPort } from './ports.ts';
import type { ActionInput } from './publish-input.ts';
import { ResponseConflictError } from './response-errors.ts';

export interface ExpertActor {
  userId: string;
  name: string;
}

/**
 * The incident as the watcher saw it, else from Graph (404 → NotFoundError for a wrong id). The
 * experts' tooling waits for the answer: an `interactive` call, which fails fast with
 * DefenderThrottledError (503 + Retry-After) rather than wait long for the tenant's quota.
 */
export async function findIncident(
  deps: { incidents: Pick<IncidentDirectory, 'get'>; defender: DefenderPort },
  tenant: CustomerTenant,
  incidentId: string,
): Promise<Incident> {
  const seen = await deps.incidents.get(tenant.tenantId, incidentId);
  if (seen) return seen;
  const graph = deps.defender.forTenant(tenant.tenantId).incidents;
  return (await graph.getIncident(incidentId, { lane: 'interactive' })).incident;
}

/** Runs the incident task now; answers 'queued' if Graph takes longer (it keeps retrying). */
export async function runTaskNow(
  deps: { tasks: IncidentTasks; incidentUpdateWaitMs?: number },
  taskId: string,
): Promise<'done' | 'queued'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deps.incidentUpdateWaitMs ?? 8_000);
  });
  try {
    return (await Promise.race([deps.tasks.run(taskId), timeout])) ? 'done' : 'queued';
  } finally {
    clearTimeout(timer);
  }
}

export function expertEntry(
  tenant: CustomerTenant,
  incidentId: string,
  expert: ExpertActor,
  kind: 'publish' | 'addActions' | 'expertUpdate',
  detail: string,
): NewAuditEntry {
  return {
    kind,
    actor: { ...expert, via: 'expertsApi' },
    tenantId: tenant.tenantId,
    incidentId,
    operation: kind,
    result: kind === 'expertUpdate' ? 'posted' : 'published',
    detail,
  };
}

export function assertUniqueIds(actions: readonly ActionInput[]): void {
  const seen = new Set<string>();
  for (const { id } of actions) {
    if (seen.has(id)) throw new InvalidInputError(`Action id "${id}" is used twice.`);
    seen.add(id);
  }
}

export function versionConflict(
  expected: number,
  actual: number | undefined,
): ResponseConflictError {
  const found = actual === undefined ? 'it changed meanwhile' : `it is at version ${actual}`;
  return new ResponseConflictError(
    'VERSION_CONFLICT',
    `The managed response was expected at version ${expected}, but ${found}. Read it again and retry.`,
  );
}
