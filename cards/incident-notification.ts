// incident-notification.json: the 1:1 card to an incident contact when an incident awaits them
// (also reminders and escalations).
import type { Badge, TextColor, ZeroOrOne } from './card-parts.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import { plural, truncate } from './card-text.ts';
import {
  assignedToLabel,
  pendingActionsLabel,
  severityBadge,
  statusBadge,
} from './incident-labels.ts';
import { renderCard } from './render-card.ts';

/** incident-notification: the 1:1 card to an incident contact (also reminders and escalations). */
export interface IncidentNotificationCardData {
  tenantId: string;
  incidentId: string;
  /** The customer organisation, e.g. "Contoso" (in "designated incident contact for Contoso"). */
  organizationName: string;
  /** e.g. "3 incidents await your action" (next to a "Show all" button, verb showAwaiting). */
  awaitingBanner: string;
  /** Why this card came again, e.g. "Reminder: still awaiting your action after 4 hours". */
  kicker: ZeroOrOne<{ text: string; color: TextColor }>;
  title: string;
  severity: Badge;
  /** As Defender shows it: "Awaiting Customer Action". */
  status: Badge;
  /** As Defender shows it: "Customer". */
  assignedTo: string;
  /** The experts' investigation summary headline. */
  headline: string;
  /** e.g. "2 pending actions". */
  pendingActionsLabel: string;
  /** The incident in the Microsoft Defender portal. */
  webUrl: string;
}

export function awaitingBanner(count: number): string {
  return count === 0
    ? 'No incidents await your action'
    : `${plural(count, 'incident')} ${count === 1 ? 'awaits' : 'await'} your action`;
}

export function notificationCardData(input: {
  incident: Incident;
  organizationName: string;
  response: ManagedResponse | undefined;
  awaitingCount: number;
  kicker?: { text: string; color: TextColor };
}): IncidentNotificationCardData {
  const { incident, response } = input;
  return {
    tenantId: incident.tenantId,
    incidentId: incident.id,
    organizationName: input.organizationName,
    awaitingBanner: awaitingBanner(input.awaitingCount),
    kicker: input.kicker ? [input.kicker] : [],
    title: truncate(incident.title, 200),
    severity: severityBadge(incident.severity),
    status: statusBadge(incident),
    assignedTo: assignedToLabel(incident.assignedTo),
    headline: truncate(
      response?.summary.headline ??
        incident.comments.at(-1)?.comment ??
        'The experts need you to act on this incident.',
      400,
    ),
    pendingActionsLabel: pendingActionsLabel(response),
    webUrl: incident.webUrl,
  };
}

export function notificationCard(input: Parameters<typeof notificationCardData>[0]): AdaptiveCard {
  return renderCard('incident-notification', notificationCardData(input));
}
