// Who may do what to which action, decided from stored state only: the tenant comes from the
// caller's Teams origin, never from card data; the incident and the action are looked up by id
// in that tenant; the role comes from the tenant's role mapping. Each refusal is a domain error
// whose message is safe to show on the card.
import {
  ActionFinishedError,
  IllegalTransitionError,
  NotFoundError,
  DomainError,
} from '../../domain/errors.ts';
import { assertNoConflict } from '../../domain/action-conflicts.ts';
import { TypedConfirmationError } from '../../domain/high-value-devices.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { ResponseAction } from '../../domain/response-action.ts';
import { isFinished, isOneClick } from '../../domain/response-action.ts';
import { assertCanRunActions, type Role } from '../../domain/roles.ts';
import { isClosed } from '../../domain/incident.ts';
import type { Incident } from '../../domain/incident.ts';

/**
 * The incidents' actions a check looks at: the device's actions in progress for the conflict
 * check (device-action-index.ts), the tenant's responses when looking for a tampered id.
 */
type IncidentActions = Pick<ManagedResponse, 'incidentId' | 'actions'>;

export type ActionVerb =
  | 'runAction'
  | 'retryAction'
  | 'requestComplete'
  | 'requestSkip'
  | 'confirmComplete'
  | 'confirmSkip'
  | 'cancelConfirmation';

/** The action was started by someone else meanwhile (not an error: the card just says so). */
export class ActionInProgressError extends DomainError {
  constructor(action: ResponseAction) {
    const by =
      isOneClick(action) && action.requestedBy ? ` (started by ${action.requestedBy.name})` : '';
    super('ILLEGAL_TRANSITION', `"${action.title}" is already in progress${by}.`);
    this.name = 'ActionInProgressError';
  }
}

export class IncidentClosedError extends DomainError {
  constructor() {
    super('ILLEGAL_TRANSITION', 'This incident is closed: its actions can no longer be changed.');
    this.name = 'IncidentClosedError';
  }
}

/** Stable audit code of a refusal. */
export function refusalCode(error: DomainError): string {
  if (error instanceof ActionInProgressError) return 'IN_PROGRESS';
  if (error instanceof IncidentClosedError) return 'INCIDENT_CLOSED';
  if (error instanceof ActionBelongsElsewhereError) return 'TAMPERED_IDS';
  if (error instanceof TypedConfirmationError) return error.refusal;
  return error.code;
}

export class ActionBelongsElsewhereError extends NotFoundError {
  constructor(actionId: string) {
    super('response action', actionId);
    this.name = 'ActionBelongsElsewhereError';
    this.message = 'Refused: this action belongs to another incident.';
  }
}

/**
 * The action named by the card, or why not: not in this incident (and whether it belongs to
 * another incident of the tenant, i.e. the card's ids were tampered with).
 */
export function findCardAction(
  response: ManagedResponse,
  actionId: string,
  tenantResponses: readonly IncidentActions[],
): ResponseAction {
  const action = response.actions.find((a) => a.id === actionId);
  if (action) return action;
  const elsewhere = tenantResponses.some(
    (r) => r.incidentId !== response.incidentId && r.actions.some((a) => a.id === actionId),
  );
  throw elsewhere
    ? new ActionBelongsElsewhereError(actionId)
    : new NotFoundError('response action', actionId);
}

/** Throws the refusal for `verb` on `action`, or returns when the user may go ahead. */
export function assertMayAct(args: {
  verb: ActionVerb;
  action: ResponseAction;
  role: Role;
  incidentId: string;
  incident: Incident | undefined;
  tenantResponses: readonly IncidentActions[];
}): void {
  const { verb, action, role } = args;
  if (isClosed(args.incident)) throw new IncidentClosedError();
  assertCanRunActions(role);
  if (verb === 'cancelConfirmation') return;
  if (isFinished(action)) {
    throw new ActionFinishedError(action.id, action.status, action.title);
  }
  if (action.status === 'inProgress') throw new ActionInProgressError(action);
  const oneClickVerb = verb === 'runAction' || verb === 'retryAction';
  if (oneClickVerb !== isOneClick(action)) {
    throw new IllegalTransitionError({
      actionId: action.id,
      from: action.status,
      event: verb,
      message: `"${action.title}" is ${isOneClick(action) ? 'a one-click' : 'a manual'} action; this button does not apply to it.`,
    });
  }
  if (verb === 'runAction' && action.status !== 'pending') {
    throw new IllegalTransitionError({
      actionId: action.id,
      from: action.status,
      event: verb,
      message: `"${action.title}" failed earlier; use Retry.`,
    });
  }
  if (verb === 'retryAction' && action.status !== 'failed') {
    throw new IllegalTransitionError({
      actionId: action.id,
      from: action.status,
      event: verb,
      message: `"${action.title}" has not failed; there is nothing to retry.`,
    });
  }
  if (oneClickVerb) assertNoDeviceConflict(action, args.incidentId, args.tenantResponses);
}

/** Release while an isolation runs (and the like), across all of the tenant's incidents. */
export function assertNoDeviceConflict(
  action: ResponseAction,
  incidentId: string,
  tenantResponses: readonly IncidentActions[],
): void {
  // Only actions in progress can conflict (conflictsWith); a tenant holds thousands of finished
  // ones, so they are skipped before anything is copied. Action ids are unique within an
  // incident only: every id is qualified by its incident.
  const others: ResponseAction[] = [];
  for (const r of tenantResponses) {
    for (const a of r.actions) {
      if (a.status !== 'inProgress' || (r.incidentId === incidentId && a.id === action.id))
        continue;
      others.push({ ...a, id: `${r.incidentId}/${a.id}` });
    }
  }
  assertNoConflict(action, others);
}
