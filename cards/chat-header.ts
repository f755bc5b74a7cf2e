// chat-header.json: the header that opens an incident's thread in the experts' channel.
import type { Badge, ZeroOrOne } from './card-parts.ts';

/** chat-header: the experts-side thread header for an incident with customer conversation. */
export interface ChatHeaderCardData {
  organizationName: string;
  tenantId: string;
  incidentId: string;
  title: string;
  severity: Badge;
  status: Badge;
  /** e.g. { label: "2 of 3" }. */
  pendingActions: ZeroOrOne<{ label: string }>;
  webUrl: string;
}
