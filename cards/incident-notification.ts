// incident-notification.json: the 1:1 card to an incident contact when an incident awaits them
// (also reminders and escalations).
import type { Badge, TextColor, ZeroOrOne } from './card-parts.ts';

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
