// The life cycle of an incident handled by the experts (reference document, "Incident updates"):
//
//   Active ─experts start─▶ In progress / "Defender Experts"
//     ├─ false positive / informational ─▶ Resolved / Unassigned (+ closing comment)
//     ├─ true positive, experts are Security Operator ─▶ experts act ─▶ Resolved
//     └─ true positive, experts are Security Reader ─▶ Awaiting Customer Action / "Customer"
//          ─ all pending actions done ─▶ In progress / "Defender Experts" ─▶ Resolved
//   Any open incident may be merged into another: Redirected (redirectIncidentId).
//
// The watcher only sees snapshots, so a snapshot is reduced to a stage and a change of stage is a
// life-cycle step. Rules of `detectIncidentChanges`:
// - A step is reported once, whatever fields moved to make it; the status and assignment changes
//   that belong to it are not reported again. A status or assignment change that changes no stage
//   (e.g. a reopened incident, or the SOC assigning it to an analyst) is reported raw.
// - Classification/determination changes and new comments are reported beside the step: a
//   resolution usually comes with both. The last new comment of a resolution is its closing
//   comment and is not reported again as `commentAdded`.
// - Steps skipped between two polls are not invented: Active → Resolved is just `resolved`.
// - First sight (no previous snapshot) reports only the step that brought the incident to its
//   stage (`expertsStarted`, `awaitingCustomer`, `resolved` with the last comment as closing
//   comment, `redirected`) and nothing for 'new' or 'inProgress': older comments and the
//   classification are history, readable from the incident itself.
// Output order: classificationChanged, the step or the raw status/assignment changes, comments.

import { assertSameTenant, InvalidInputError } from './errors.ts';
import {
  classifications,
  determinations,
  EXPERTS_ASSIGNEE,
  incidentStatuses,
  isAwaitingCustomer,
  parseEnum,
  sameValue,
} from './incident.ts';
import type {
  Classification,
  Determination,
  Incident,
  IncidentComment,
  IncidentStatus,
} from './incident.ts';

// Sentinel's view of the same life cycle lives beside it; re-exported for one import.
export { AWAITING_CUSTOMER_TAG, sentinelView } from './sentinel-view.ts';
export type { SentinelView } from './sentinel-view.ts';

export type IncidentChange =
  | { type: 'expertsStarted' }
  | { type: 'statusChanged'; from: IncidentStatus; to: IncidentStatus }
  | { type: 'assignmentChanged'; from: string | null; to: string | null }
  | { type: 'classificationChanged'; classification: Classification; determination: Determination }
  | { type: 'awaitingCustomer' }
  | { type: 'handedBackToExperts' }
  | {
      type: 'resolved';
      classification: Classification;
      determination: Determination;
      closingComment?: string;
    }
  | { type: 'commentAdded'; comment: IncidentComment }
  | { type: 'redirected'; redirectIncidentId?: string };

/**
 * Where the incident stands, derived from one snapshot. 'new': open and nobody works on it;
 * 'inProgress': someone other than the experts (the customer's SOC) works on it.
 */
export type IncidentStage =
  'new' | 'inProgress' | 'expertsInvestigating' | 'awaitingCustomer' | 'resolved' | 'redirected';

type Snapshot = Pick<Incident, 'status' | 'assignedTo'>;

/** Status normalised case-insensitively; values we do not know become 'unknownFutureValue'. */
function statusOf(incident: Snapshot): IncidentStatus {
  return parseEnum(incidentStatuses, incident.status, 'unknownFutureValue');
}

export function incidentStage(incident: Snapshot): IncidentStage {
  const status = statusOf(incident);
  if (status === 'redirected') return 'redirected';
  if (status === 'resolved') return 'resolved';
  if (isAwaitingCustomer(incident)) return 'awaitingCustomer';
  if (sameValue(incident.assignedTo, EXPERTS_ASSIGNEE)) return 'expertsInvestigating';
  return status === 'inProgress' ? 'inProgress' : 'new';
}

export function detectIncidentChanges(
  previous: Incident | undefined,
  next: Incident,
): IncidentChange[] {
  if (previous && previous.id !== next.id) {
    throw new InvalidInputError(`Incident ${previous.id} cannot be compared with ${next.id}.`);
  }
  if (previous) assertSameTenant(previous.tenantId, next.tenantId);

  const newComments = previous ? addedComments(previous.comments, next.comments) : [];
  const step = stepChange(previous, next, previous ? newComments : next.comments);
  const changes: IncidentChange[] = [];

  if (previous && classificationMoved(previous, next)) {
    changes.push({
      type: 'classificationChanged',
      classification: classificationOf(next),
      determination: determinationOf(next),
    });
  }
  if (step) {
    changes.push(step);
  } else if (previous) {
    const [from, to] = [statusOf(previous), statusOf(next)];
    if (from !== to) changes.push({ type: 'statusChanged', from, to });
    if (!sameValue(previous.assignedTo, next.assignedTo)) {
      changes.push({ type: 'assignmentChanged', from: previous.assignedTo, to: next.assignedTo });
    }
  }
  const closing = step?.type === 'resolved' && step.closingComment !== undefined;
  const reported = closing ? newComments.slice(0, -1) : newComments;
  for (const comment of reported) changes.push({ type: 'commentAdded', comment });
  return changes;
}

/** The life-cycle step between two snapshots, if the stage changed. */
function stepChange(
  previous: Incident | undefined,
  next: Incident,
  closingCandidates: readonly IncidentComment[],
): IncidentChange | undefined {
  const from = previous ? incidentStage(previous) : undefined;
  const to = incidentStage(next);
  if (from === to) {
    // A merged incident can be redirected again when its target is merged in turn.
    const retargeted =
      to === 'redirected' && previous?.redirectIncidentId !== next.redirectIncidentId;
    return retargeted ? redirected(next) : undefined;
  }
  switch (to) {
    case 'expertsInvestigating':
      return { type: from === 'awaitingCustomer' ? 'handedBackToExperts' : 'expertsStarted' };
    case 'awaitingCustomer':
      return { type: 'awaitingCustomer' };
    case 'resolved': {
      const closingComment = closingCandidates.at(-1)?.comment;
      return {
        type: 'resolved',
        classification: classificationOf(next),
        determination: determinationOf(next),
        ...(closingComment !== undefined ? { closingComment } : {}),
      };
    }
    case 'redirected':
      return redirected(next);
    case 'new':
    case 'inProgress':
      return undefined;
  }
}

function redirected(next: Incident): IncidentChange {
  return next.redirectIncidentId
    ? { type: 'redirected', redirectIncidentId: next.redirectIncidentId }
    : { type: 'redirected' };
}

function classificationOf(incident: Incident): Classification {
  return parseEnum(classifications, incident.classification, 'unknown');
}

function determinationOf(incident: Incident): Determination {
  return parseEnum(determinations, incident.determination, 'unknown');
}

function classificationMoved(previous: Incident, next: Incident): boolean {
  return (
    classificationOf(previous) !== classificationOf(next) ||
    determinationOf(previous) !== determinationOf(next)
  );
}

/** Comments in `next` that `previous` lacks, in `next`'s order (a multiset difference). */
function addedComments(
  previous: readonly IncidentComment[],
  next: readonly IncidentComment[],
): IncidentComment[] {
  const key = (c: IncidentComment) => JSON.stringify([c.createdAt, c.createdBy, c.comment]);
  const seen = new Map<string, number>();
  for (const comment of previous) seen.set(key(comment), (seen.get(key(comment)) ?? 0) + 1);
  return next.filter((comment) => {
    const count = seen.get(key(comment)) ?? 0;
    if (count > 0) seen.set(key(comment), count - 1);
    return count === 0;
  });
}
