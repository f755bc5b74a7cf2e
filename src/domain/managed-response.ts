import { allCustomerActionsDone } from './actions-summary.ts';
import { EXPERTS_ACTOR } from './actors.ts';
import { NotFoundError } from './errors.ts';
import { isClosed, type Incident } from './incident.ts';
import type { ResponseAction } from './response-action.ts';
import { recommendedActions } from './undo-action.ts';
import type { Severity } from './incident.ts';

export interface TimelineEntry {
  at: string;
  device: string;
  event: string;
}

export interface Indicator {
  /** e.g. 'file', 'ip', 'url', 'process', 'technique' */
  type: string;
  value: string;
  description?: string;
}

export interface InvestigationSummary {
  headline: string;
  narrative: string;
  severity: Severity;
  potentialImpact: string;
  timeline: TimelineEntry[];
  indicatorsOfAttack: Indicator[];
  indicatorsOfCompromise: Indicator[];
}

/** The experts' managed response for one incident of one customer tenant. */
export interface ManagedResponse {
  tenantId: string;
  incidentId: string;
  summary: InvestigationSummary;
  actions: ResponseAction[];
  publishedAt: string;
  updatedAt: string;
}

/** The action with `actionId`, or NotFoundError (a stale card may name a withdrawn action). */
export function findAction(response: ManagedResponse, actionId: string): ResponseAction {
  const action = response.actions.find((a) => a.id === actionId);
  if (!action) throw new NotFoundError('response action', actionId);
  return action;
}

/** A copy of `response` with `action` replacing the one of the same id. */
export function replaceAction(
  response: ManagedResponse,
  action: ResponseAction,
  at: string,
): ManagedResponse {
  findAction(response, action.id);
  const actions = response.actions.map((a) => (a.id === action.id ? action : a));
  return { ...response, actions, updatedAt: at };
}

/**
 * All actions done, at least one by the customer, incident still open: back with the experts.
 * Only the experts' recommendations count: an undo the customer runs later hands nothing back.
 */
export function isHandedBack(response: ManagedResponse, incident: Incident | undefined): boolean {
  const actions = recommendedActions(response.actions);
  return (
    !isClosed(incident) &&
    actions.length > 0 &&
    allCustomerActionsDone(actions) &&
    actions.some((a) => a.updatedBy && a.updatedBy.userId !== EXPERTS_ACTOR.userId)
  );
}
