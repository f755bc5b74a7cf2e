// soc-incident.json: the SOC channel's card of an incident, edited in place as it moves.
import type { Badge, CardTimestamp, Shown, ZeroOrOne } from './card-parts.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import { sentinelView } from '../src/domain/sentinel-view.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import { toCardTimestamp } from './card-parts.ts';
import { truncate } from './card-text.ts';
import {
  assignedToLabel,
  classificationLabel,
  determinationLabel,
  severityBadge,
  statusBadge,
} from './incident-labels.ts';
import { renderCard } from './render-card.ts';

/** soc-incident: the SOC channel card, one per incident, updated in place. */
export interface SocIncidentCardData {
  tenantId: string;
  incidentId: string;
  title: string;
  severity: Badge;
  /** Defender's status: Active, In progress, Awaiting Customer Action, Resolved. */
  status: Badge;
  /** Defender's Assigned to: "Defender Experts", "Customer", "Unassigned". */
  assignedTo: string;
  /** The same incident as Microsoft Sentinel shows it (New/Active/Resolved, owner, tags). */
  sentinel: {
    status: string;
    owner: string;
    /** e.g. ["Defender Experts", "Awaiting Customer Action"]; [] shows none. */
    tags: readonly string[];
  };
  /** Shown once set, e.g. "False positive". */
  classification: ZeroOrOne<{ label: string }>;
  /** Shown once set, e.g. "Not malicious". */
  determination: ZeroOrOne<{ label: string }>;
  /** The experts' latest comment: their conclusion when they resolve as false positive or informational. */
  expertsComment: ZeroOrOne<{ text: string; author: string; at: CardTimestamp }>;
  /** e.g. { label: "2 of 3" }, shown as "Pending actions: 2 of 3". */
  pendingActions: ZeroOrOne<{ label: string }>;
  lastUpdatedAt: CardTimestamp;
  /** The "View managed response" button: only when the experts published one. */
  viewButton: Shown;
  webUrl: string;
}

export function socIncidentCardData(
  incident: Incident,
  response: ManagedResponse | undefined,
): SocIncidentCardData {
  const sentinel = sentinelView(incident);
  const classification = classificationLabel(incident.classification);
  const determination = determinationLabel(incident.determination);
  const lastComment = incident.comments.at(-1);
  const resolvedByExperts =
    incident.status === 'resolved' &&
    (incident.classification === 'falsePositive' ||
      incident.classification === 'informationalExpectedActivity');
  const open = response
    ? response.actions.filter((a) => a.status !== 'completed' && a.status !== 'skipped').length
    : 0;
  return {
    tenantId: incident.tenantId,
    incidentId: incident.id,
    title: truncate(incident.title, 200),
    severity: severityBadge(incident.severity),
    status: statusBadge(incident),
    assignedTo: assignedToLabel(incident.assignedTo),
    sentinel: { status: sentinel.status, owner: sentinel.owner, tags: sentinel.tags },
    classification: classification ? [{ label: classification }] : [],
    determination: determination ? [{ label: determination }] : [],
    expertsComment:
      resolvedByExperts && lastComment
        ? [
            {
              text: truncate(lastComment.comment, 1000),
              author: lastComment.createdBy || 'Defender Experts',
              at: toCardTimestamp(lastComment.createdAt),
            },
          ]
        : [],
    pendingActions:
      response && response.actions.length > 0
        ? [{ label: `${open} of ${response.actions.length}` }]
        : [],
    lastUpdatedAt: toCardTimestamp(incident.lastUpdatedAt),
    viewButton: response ? [{}] : [],
    webUrl: incident.webUrl,
  };
}

export function socIncidentCard(
  incident: Incident,
  response: ManagedResponse | undefined,
): AdaptiveCard {
  return renderCard('soc-incident', socIncidentCardData(incident, response));
}
