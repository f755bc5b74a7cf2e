// soc-incident-step.json: the one-line reply under the SOC card for each step of the incident.
import type { CardTimestamp, TextColor } from './card-parts.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { IncidentChange } from '../src/domain/incident-lifecycle.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import { toCardTimestamp } from './card-parts.ts';
import { truncate } from './card-text.ts';
import {
  assignedToLabel,
  classificationLabel,
  determinationLabel,
  pendingActionsLabel,
  statusBadge,
} from './incident-labels.ts';
import { renderCard } from './render-card.ts';

/** soc-incident-step: the one-line reply under the channel card for each step. */
export interface SocIncidentStepCardData {
  /** e.g. "Experts started investigating", "Resolved as False positive (Not malicious)". */
  text: string;
  at: CardTimestamp;
  /** `good` for resolutions, `warning` for awaiting, `attention` for failures, else `default`. */
  color: TextColor;
}

/** The one-line threaded reply for a life-cycle step, or undefined for steps not worth a line. */
export function stepCardData(
  change: IncidentChange,
  incident: Incident,
  response: ManagedResponse | undefined,
  at: string,
): SocIncidentStepCardData | undefined {
  const line = (text: string, color: TextColor = 'default'): SocIncidentStepCardData => ({
    text,
    at: toCardTimestamp(at),
    color,
  });
  switch (change.type) {
    case 'expertsStarted':
      return line('Defender Experts started investigating.', 'accent');
    case 'awaitingCustomer':
      return line(`Awaiting customer action: ${pendingActionsLabel(response)}.`, 'warning');
    case 'handedBackToExperts':
      return line(
        'Back with Defender Experts: the customer finished the pending actions.',
        'accent',
      );
    case 'resolved': {
      const c = classificationLabel(change.classification);
      const d = determinationLabel(change.determination);
      return line(c ? `Resolved as ${c}${d ? ` (${d})` : ''}.` : 'Resolved.', 'good');
    }
    case 'classificationChanged': {
      const c = classificationLabel(change.classification);
      const d = determinationLabel(change.determination);
      return c ? line(`Classified as ${c}${d ? ` (${d})` : ''}.`) : undefined;
    }
    case 'statusChanged':
      return line(
        `Status: ${statusBadge({ status: change.to, assignedTo: incident.assignedTo }).label}.`,
      );
    case 'assignmentChanged':
      return line(`Assigned to ${assignedToLabel(change.to)}.`);
    case 'commentAdded':
      return line(
        `Comment by ${change.comment.createdBy || 'Defender Experts'}: ${truncate(change.comment.comment, 300)}`,
      );
    case 'redirected':
      return line(`Merged into incident ${change.redirectIncidentId}.`);
    default:
      return undefined;
  }
}

export function stepCard(data: SocIncidentStepCardData): AdaptiveCard {
  return renderCard('soc-incident-step', data);
}
