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
import { reachWords, type ContactReach } from '../src/domain/contact-reach.ts';
import { isAwaitingCustomer } from '../src/domain/incident.ts';
import { pendingActionsCount } from '../src/domain/actions-summary.ts';
import type { ContactRef } from '../src/domain/tenant.ts';

/** At most this many contacts are listed (the card stays far below Teams' 28 KB). */
const MAX_CONTACTS = 20;

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
  /** Who was notified and how ("Teams", "Email (Teams: app blocked by policy)"), or why not. */
  contacts: ZeroOrOne<{ facts: readonly { name: string; how: string }[] }>;
  /** The "View managed response" button: only when the experts published one. */
  viewButton: Shown;
  webUrl: string;
}

/** The incident's contacts and what reached them, for the SOC card. */
export interface SocReach {
  /** The tenant's primary contacts (their names, and who is listed while being notified). */
  primary: readonly ContactRef[];
  /** Every contact someone tried to reach for this incident. */
  reach: readonly ContactReach[];
  /** Names of secondary contacts and others, by user id (lower case). */
  names?: ReadonlyMap<string, string>;
}

export function contactLines(
  incident: Incident,
  reach: SocReach | undefined,
): { name: string; how: string }[] {
  if (!reach) return [];
  const byUser = new Map(reach.reach.map((r) => [r.userId.toLowerCase(), r]));
  const order = [
    ...(isAwaitingCustomer(incident) || byUser.size > 0 ? reach.primary : []).map((c) =>
      c.userId.toLowerCase(),
    ),
    ...byUser.keys(),
  ];
  const names = new Map(reach.primary.map((c) => [c.userId.toLowerCase(), c.name]));
  const lines: { name: string; how: string }[] = [];
  for (const id of new Set(order)) {
    const known = byUser.get(id);
    if (!known && !isAwaitingCustomer(incident)) continue;
    const name = names.get(id) ?? reach.names?.get(id) ?? id;
    lines.push({ name: truncate(name, 80), how: reachWords(known).how });
  }
  if (lines.length > MAX_CONTACTS) {
    const more = lines.length - MAX_CONTACTS + 1;
    return [...lines.slice(0, MAX_CONTACTS - 1), { name: 'Others', how: `${more} more contacts` }];
  }
  return lines;
}

export function socIncidentCardData(
  incident: Incident,
  response: ManagedResponse | undefined,
  reach?: SocReach,
): SocIncidentCardData {
  const contacts = contactLines(incident, reach);
  const sentinel = sentinelView(incident);
  const classification = classificationLabel(incident.classification);
  const determination = determinationLabel(incident.determination);
  const lastComment = incident.comments.at(-1);
  const resolvedByExperts =
    incident.status === 'resolved' &&
    (incident.classification === 'falsePositive' ||
      incident.classification === 'informationalExpectedActivity');
  // The experts' actions only: the customer's own undos are not pending work.
  const counts = response ? pendingActionsCount(response.actions) : { open: 0, total: 0 };
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
    pendingActions: counts.total > 0 ? [{ label: `${counts.open} of ${counts.total}` }] : [],
    lastUpdatedAt: toCardTimestamp(incident.lastUpdatedAt),
    contacts: contacts.length > 0 ? [{ facts: contacts }] : [],
    viewButton: response ? [{}] : [],
    webUrl: incident.webUrl,
  };
}

export function socIncidentCard(
  incident: Incident,
  response: ManagedResponse | undefined,
  reach?: SocReach,
): AdaptiveCard {
  return renderCard('soc-incident', socIncidentCardData(incident, response, reach));
}
