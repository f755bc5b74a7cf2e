// Turns the changes of one incident into outbox events with deterministic ids, and applies the
// first-sight rule. First sight (no snapshot):
// - on a tenant's first poll (no watermark yet, the look-back scan), only open incidents the
//   experts hold are reported (`expertsStarted`, `awaitingCustomer`): an incident already
//   awaiting the customer must still reach its contacts, but a week of resolved or merged
//   incidents must not flood the channel on the day the service is switched on;
// - afterwards, everything the domain reports on first sight (also `resolved` and
//   `redirected`): an incident created and closed between two polls is news.
import { createHash } from 'node:crypto';
import type { Incident } from '../domain/incident.ts';
import { detectIncidentChanges, type IncidentChange } from '../domain/incident-lifecycle.ts';
import type { OutboxEvent } from './outbox.ts';

const reportedAtColdStart = new Set<IncidentChange['type']>(['expertsStarted', 'awaitingCustomer']);

export function incidentChanges(
  previous: Incident | undefined,
  next: Incident,
  options: { coldStart: boolean },
): IncidentChange[] {
  const changes = detectIncidentChanges(previous, next);
  if (previous || !options.coldStart) return changes;
  return changes.filter((change) => reportedAtColdStart.has(change.type));
}

export function incidentEvents(args: {
  tenantId: string;
  previous: Incident | undefined;
  next: Incident;
  changes: readonly IncidentChange[];
  detectedAt: string;
}): Omit<OutboxEvent, 'seq'>[] {
  const { tenantId, previous, next, changes, detectedAt } = args;
  const base = `${tenantId.toLowerCase()}:${next.id}:${next.lastUpdatedAt}`;
  // Content that changed without a new lastUpdateDateTime would repeat an earlier event's id and
  // be dropped as a duplicate; a digest of the change keeps such an event apart.
  const unstamped = previous !== undefined && previous.lastUpdatedAt === next.lastUpdatedAt;
  const counts = new Map<string, number>();
  return changes.map((change) => {
    const n = (counts.get(change.type) ?? 0) + 1;
    counts.set(change.type, n);
    let id = n === 1 ? `${base}:${change.type}` : `${base}:${change.type}:${n}`;
    if (unstamped) id += `:${digest(change)}`;
    const event: Omit<OutboxEvent, 'seq'> = {
      id,
      tenantId,
      incidentId: next.id,
      change,
      incident: next,
      detectedAt,
    };
    if (previous) event.previous = previous;
    return event;
  });
}

function digest(change: IncidentChange): string {
  return createHash('sha256').update(JSON.stringify(change)).digest('hex').slice(0, 12);
}
