// How incidents read in cards: Defender's words for status, severity, classification.
import { pendingActionsCount } from '../src/domain/actions-summary.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import type { Badge } from './card-parts.ts';
import { plural } from './card-text.ts';
import {
  isAwaitingCustomer,
  type Classification,
  type Determination,
  type Incident,
  type Severity,
} from '../src/domain/incident.ts';

const severityBadges: Record<Severity, Badge> = {
  high: { label: 'High', color: 'attention' },
  medium: { label: 'Medium', color: 'warning' },
  low: { label: 'Low', color: 'default' },
  informational: { label: 'Informational', color: 'default' },
  unknown: { label: 'Unknown', color: 'default' },
  unknownFutureValue: { label: 'Unknown', color: 'default' },
};

export function severityBadge(severity: Severity): Badge {
  return severityBadges[severity];
}

export function statusBadge(incident: Pick<Incident, 'status' | 'assignedTo'>): Badge {
  if (isAwaitingCustomer(incident)) return { label: 'Awaiting Customer Action', color: 'warning' };
  switch (incident.status) {
    case 'active':
      return { label: 'Active', color: 'attention' };
    case 'inProgress':
      return { label: 'In progress', color: 'accent' };
    case 'resolved':
      return { label: 'Resolved', color: 'good' };
    case 'redirected':
      return { label: 'Redirected (merged)', color: 'default' };
    default:
      return { label: 'Unknown', color: 'default' };
  }
}

const classificationLabels: Record<Classification, string | undefined> = {
  truePositive: 'True positive',
  falsePositive: 'False positive',
  informationalExpectedActivity: 'Informational, expected activity',
  unknown: undefined,
  unknownFutureValue: undefined,
};

export function classificationLabel(classification: Classification): string | undefined {
  return classificationLabels[classification];
}

/** "multiStagedAttack" → "Multi staged attack"; undefined for unknown. */
export function determinationLabel(determination: Determination): string | undefined {
  if (determination === 'unknown' || determination === 'unknownFutureValue') return undefined;
  const words = determination.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function assignedToLabel(assignedTo: string | null): string {
  return assignedTo?.trim() ? assignedTo : 'Unassigned';
}

export function pendingActionsLabel(response: ManagedResponse | undefined): string {
  if (!response) return 'Pending actions';
  const { open } = pendingActionsCount(response.actions);
  return open === 0 ? 'No pending actions' : plural(open, 'pending action');
}

/** The incident in the Microsoft Defender portal (Graph gives its URL; a fallback by id). */
export function incidentWebUrl(response: ManagedResponse, incident: Incident | undefined): string {
  return (
    incident?.webUrl ||
    `https://security.microsoft.com/incidents/${encodeURIComponent(response.incidentId)}?tid=${response.tenantId}`
  );
}
