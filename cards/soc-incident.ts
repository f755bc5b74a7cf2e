// soc-incident.json: the SOC channel's card of an incident, edited in place as it moves.
import type { Badge, CardTimestamp, Shown, ZeroOrOne } from './card-parts.ts';

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
