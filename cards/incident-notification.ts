// incident-notification.json: the 1:1 card to an incident contact when an incident awaits them
// (also reminders and escalations).
import {
  toCardTimestamp,
  type Badge,
  type CardTimestamp,
  type Shown,
  type TextColor,
  type ZeroOrOne,
} from './card-parts.ts';
import type { Incident } from '../src/domain/incident.ts';
import { isClaimer, type IncidentClaim } from '../src/domain/incident-claim.ts';
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
  /** "Alex Wilber is on it" (or "You are on it") and since when. */
  claimedBy: ZeroOrOne<{ text: string; at: CardTimestamp }>;
  /** "I'm on it", while nobody has claimed the incident; greyed for a Security Reader. */
  claimAction: ZeroOrOne<{ enabled: boolean }>;
  /** "Release claim", for the claimer. */
  releaseAction: Shown;
  /** Why a Security Reader cannot claim, or what a claim does. */
  claimHint: ZeroOrOne<{ text: string }>;
}

/** Who looks at this copy of the card (each contact has their own copy in their 1:1 chat). */
export interface NotificationViewer {
  userId: string;
  /** Security Operators may claim; Security Readers may not (a claim holds back reminders). */
  operator: boolean;
}

/** The claim part of the card for one viewer; `claim` is the active claim, if any. */
export function claimParts(
  claim: IncidentClaim | undefined,
  viewer: NotificationViewer | undefined,
): Pick<IncidentNotificationCardData, 'claimedBy' | 'claimAction' | 'releaseAction' | 'claimHint'> {
  if (claim) {
    const mine = isClaimer(claim, viewer?.userId);
    return {
      claimedBy: [
        {
          text: mine ? '🙋 You are on it' : `🙋 ${truncate(claim.name, 80)} is on it`,
          at: toCardTimestamp(claim.at),
        },
      ],
      claimAction: [],
      releaseAction: mine ? [{}] : [],
      claimHint: mine
        ? [{ text: "The other contacts' reminders are paused while you work on it." }]
        : [],
    };
  }
  if (!viewer) return { claimedBy: [], claimAction: [], releaseAction: [], claimHint: [] };
  return {
    claimedBy: [],
    claimAction: [{ enabled: viewer.operator }],
    releaseAction: [],
    claimHint: viewer.operator
      ? []
      : [
          {
            text: "Claiming holds back the other contacts' reminders, so it needs the Security Operator role.",
          },
        ],
  };
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
  /** The active claim (absent: nobody is on it, or the incident no longer awaits the customer). */
  claim?: IncidentClaim;
  viewer?: NotificationViewer;
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
    ...claimParts(input.claim, input.viewer),
  };
}

export function notificationCard(input: Parameters<typeof notificationCardData>[0]): AdaptiveCard {
  return renderCard('incident-notification', notificationCardData(input));
}
