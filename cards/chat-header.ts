// chat-header.json: the header that opens an incident's thread in the experts' channel.
import type { Incident } from '../src/domain/incident.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import { pendingActionsCount } from '../src/domain/actions-summary.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import type { Badge, ZeroOrOne } from './card-parts.ts';
import { truncate } from './card-text.ts';
import { severityBadge, statusBadge } from './incident-labels.ts';
import { renderCard } from './render-card.ts';

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

export function chatHeaderData(
  incident: Incident,
  organizationName: string,
  response: ManagedResponse | undefined,
): ChatHeaderCardData {
  const { open, total } = pendingActionsCount(response?.actions ?? []);
  return {
    organizationName,
    tenantId: incident.tenantId,
    incidentId: incident.id,
    title: truncate(incident.title, 200),
    severity: severityBadge(incident.severity),
    status: statusBadge(incident),
    pendingActions: total > 0 ? [{ label: `${open} of ${total}` }] : [],
    webUrl: incident.webUrl,
  };
}

export function chatHeaderCard(data: ChatHeaderCardData): AdaptiveCard {
  return renderCard('chat-header', data);
}
