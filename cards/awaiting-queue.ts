// awaiting-queue.json: the incidents that await the customer, newest first.
import type { Badge, CardTimestamp, Shown } from './card-parts.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import { toCardTimestamp } from './card-parts.ts';
import { plural, truncate } from './card-text.ts';
import { pendingActionsLabel, severityBadge } from './incident-labels.ts';
import { renderCard } from './render-card.ts';

export interface AwaitingIncidentRow {
  incidentId: string;
  title: string;
  severity: Badge;
  /** When the incident moved to Awaiting Customer Action. */
  awaitingSince: CardTimestamp;
  /** e.g. "2 pending actions". */
  pendingActionsLabel: string;
}

/** awaiting-queue: the incidents awaiting the customer, newest first. */
export interface AwaitingQueueCardData {
  tenantId: string;
  organizationName: string;
  /** e.g. "3 incidents await Contoso's action", or "No incidents await Contoso's action". */
  heading: string;
  /** Newest first; the builder caps the list (see the size note in the report). */
  incidents: readonly AwaitingIncidentRow[];
  /** The "nothing awaits you" line: [{}] when `incidents` is empty. */
  emptyState: Shown;
}

const QUEUE_MAX_ROWS = 10;

export function awaitingQueueCardData(input: {
  tenantId: string;
  organizationName: string;
  incidents: { incident: Incident; awaitingSince: string; response: ManagedResponse | undefined }[];
}): AwaitingQueueCardData {
  const rows = [...input.incidents].sort((a, b) => b.awaitingSince.localeCompare(a.awaitingSince));
  const count = rows.length;
  const more = count > QUEUE_MAX_ROWS ? ` (newest ${QUEUE_MAX_ROWS} shown)` : '';
  return {
    tenantId: input.tenantId,
    organizationName: input.organizationName,
    heading:
      count === 0
        ? `No incidents await ${input.organizationName}'s action`
        : `${plural(count, 'incident')} ${count === 1 ? 'awaits' : 'await'} ${input.organizationName}'s action${more}`,
    incidents: rows.slice(0, QUEUE_MAX_ROWS).map(({ incident, awaitingSince, response }) => ({
      incidentId: incident.id,
      title: truncate(incident.title, 160),
      severity: severityBadge(incident.severity),
      awaitingSince: toCardTimestamp(awaitingSince),
      pendingActionsLabel: pendingActionsLabel(response),
    })),
    emptyState: count === 0 ? [{}] : [],
  };
}

export function awaitingQueueCard(
  input: Parameters<typeof awaitingQueueCardData>[0],
): AdaptiveCard {
  return renderCard('awaiting-queue', awaitingQueueCardData(input));
}
