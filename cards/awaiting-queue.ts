// awaiting-queue.json: the incidents that await the customer, newest first.
import type { Badge, CardTimestamp, Shown } from './card-parts.ts';

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
