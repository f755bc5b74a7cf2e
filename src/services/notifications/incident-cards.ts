// Card data for the incident cards (notification, SOC channel card and its step replies, awaiting
// queue), built from the incident as the watcher saw it and the experts' managed response.
import type { AwaitingQueueCardData } from '../../../cards/awaiting-queue.ts';
import type { IncidentNotificationCardData } from '../../../cards/incident-notification.ts';
import type { SocIncidentCardData } from '../../../cards/soc-incident.ts';
import type { SocIncidentStepCardData } from '../../../cards/soc-incident-step.ts';
import type { TextColor } from '../../../cards/card-parts.ts';
import { toCardTimestamp } from '../../../cards/card-parts.ts';
import { actionsSummary } from '../../domain/actions-summary.ts';
import type { Incident } from '../../domain/incident.ts';
import type { IncidentChange } from '../../domain/incident-lifecycle.ts';
import { sentinelView } from '../../domain/sentinel-view.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import {
  assignedToLabel,
  classificationLabel,
  determinationLabel,
  plural,
  severityBadge,
  statusBadge,
  truncate,
} from './incident-labels.ts';

export function pendingActionsLabel(response: ManagedResponse | undefined): string {
  if (!response) return 'Pending actions';
  const s = actionsSummary(response.actions);
  const open = s.pending + s.inProgress + s.failed;
  return open === 0 ? 'No pending actions' : plural(open, 'pending action');
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

const QUEUE_MAX_ROWS = 10;

export function awaitingQueueCardData(input: {
  tenantId: string;
  organizationName: string;
  incidents: { incident: Incident; awaitingSince: string; response: ManagedResponse | undefined }[];
}): AwaitingQueueCardData {
  const rows = [...input.incidents].sort((a, b) => b.awaitingSince.localeCompare(a.awaitingSince));
  const count = rows.length;
  const more = count > QUEUE_MAX_ROWS ? ` (newest ${QUEUE_MAX_ROWS} shown)` : '';
  return {
    tenantId: input.tenantId,
    organizationName: input.organizationName,
    heading:
      count === 0
        ? `No incidents await ${input.organizationName}'s action`
        : `${plural(count, 'incident')} ${count === 1 ? 'awaits' : 'await'} ${input.organizationName}'s action${more}`,
    incidents: rows.slice(0, QUEUE_MAX_ROWS).map(({ incident, awaitingSince, response }) => ({
      incidentId: incident.id,
      title: truncate(incident.title, 160),
      severity: severityBadge(incident.severity),
      awaitingSince: toCardTimestamp(awaitingSince),
      pendingActionsLabel: pendingActionsLabel(response),
    })),
    emptyState: count === 0 ? [{}] : [],
  };
}
