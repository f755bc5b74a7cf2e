// The response action state machines, as pure functions of (action, event, actor, time).
//
// One-click: pending ─start─▶ inProgress ─succeed─▶ completed
//                               │  ▲       └─fail──▶ failed ─retry─▶ inProgress
//                               └──┘ defenderAccepted (stores the Defender request id)
// Manual:    pending ─confirmComplete─▶ completed,  pending ─confirmSkip─▶ skipped
//
// The manual confirmation step (reference: "I've completed this action" → "Yes, I've done it",
// "Skip" → "Yes, skip this action") is deliberately stateless: `requestComplete`/`requestSkip`
// change nothing and return a confirmation request for the UI to show to the user who asked;
// `cancel` returns to the normal view. Keeping the pending confirmation out of the stored action
// means two users looking at the same card cannot confirm each other's half-finished dialog.
// The UI only offers confirm buttons on the confirmation view; the domain accepts a confirm
// event on any pending manual action.

import { ActionFinishedError, IllegalTransitionError, InvalidInputError } from './errors.ts';
import { isFinished, isOneClick } from './response-action.ts';
import type {
  ActionActor,
  ActionHistoryEntry,
  ActionStatus,
  ManualAction,
  OneClickAction,
  ResponseAction,
} from './response-action.ts';

// Conflicts and summaries live in their own files; re-exported so callers of the state machine
// have one import for everything about action status.
export { assertNoConflict, conflictsWith } from './action-conflicts.ts';
export { actionsSummary, allCustomerActionsDone } from './actions-summary.ts';
export type { ActionsSummary } from './actions-summary.ts';

export type OneClickEvent =
  | { type: 'start' }
  | { type: 'defenderAccepted'; machineActionId: string }
  | { type: 'succeed' }
  | { type: 'fail'; reason: string }
  | { type: 'retry' };

export type ManualEvent =
  | { type: 'requestComplete' }
  | { type: 'requestSkip' }
  | { type: 'confirmComplete'; note?: string }
  | { type: 'confirmSkip'; reason?: string }
  | { type: 'cancel' };

export type ActionEvent = OneClickEvent | ManualEvent;
export type ActionEventType = ActionEvent['type'];

export const oneClickEventTypes = [
  'start',
  'defenderAccepted',
  'succeed',
  'fail',
  'retry',
] as const satisfies readonly OneClickEvent['type'][];
export const manualEventTypes = [
  'requestComplete',
  'requestSkip',
  'confirmComplete',
  'confirmSkip',
  'cancel',
] as const satisfies readonly ManualEvent['type'][];

/** What the UI shows after `requestComplete` / `requestSkip`. */
export interface ConfirmationRequest {
  intent: 'complete' | 'skip';
  confirmEvent: 'confirmComplete' | 'confirmSkip';
  cancelEvent: 'cancel';
}

export interface ActionEventResult<A extends ResponseAction> {
  action: A;
  /** False when nothing was stored (confirmation requests, cancel, repeated Defender ids). */
  changed: boolean;
  confirmation?: ConfirmationRequest;
}

/** The status each event leads to; events without an entry keep the status. */
const targetStatus: Partial<Record<ActionEventType, ActionStatus>> = {
  start: 'inProgress',
  succeed: 'completed',
  fail: 'failed',
  retry: 'inProgress',
  confirmComplete: 'completed',
  confirmSkip: 'skipped',
};

/** Which status each one-click event needs. Manual events all need `pending`. */
const oneClickFrom: Record<OneClickEvent['type'], ActionStatus> = {
  start: 'pending',
  defenderAccepted: 'inProgress',
  succeed: 'inProgress',
  fail: 'inProgress',
  retry: 'failed',
};

const statusLabels: Record<ActionStatus, string> = {
  pending: 'pending',
  inProgress: 'in progress',
  completed: 'completed',
  failed: 'failed',
  skipped: 'skipped',
};

const eventLabels: Record<ActionEventType, string> = {
  start: 'started',
  defenderAccepted: 'accepted by Defender',
  succeed: 'marked completed',
  fail: 'marked failed',
  retry: 'retried',
  requestComplete: 'marked completed',
  requestSkip: 'skipped',
  confirmComplete: 'marked completed',
  confirmSkip: 'skipped',
  cancel: 'cancelled',
};

/** Events the action accepts now: what the UI may offer as buttons. */
export function allowedEvents(action: ResponseAction): ActionEventType[] {
  if (isFinished(action)) return [];
  if (!isOneClick(action)) return [...manualEventTypes];
  return oneClickEventTypes.filter((type) => oneClickFrom[type] === action.status);
}

export function applyActionEvent(
  action: OneClickAction,
  event: ActionEvent,
  actor: ActionActor,
  at: string,
): ActionEventResult<OneClickAction>;
export function applyActionEvent(
  action: ManualAction,
  event: ActionEvent,
  actor: ActionActor,
  at: string,
): ActionEventResult<ManualAction>;
export function applyActionEvent(
  action: ResponseAction,
  event: ActionEvent,
  actor: ActionActor,
  at: string,
): ActionEventResult<ResponseAction>;
export function applyActionEvent(
  action: ResponseAction,
  event: ActionEvent,
  actor: ActionActor,
  at: string,
): ActionEventResult<ResponseAction> {
  if (!actor.userId.trim()) throw new InvalidInputError('The acting user is missing.');
  if (Number.isNaN(Date.parse(at))) throw new InvalidInputError(`"${at}" is not a valid time.`);
  if (isFinished(action)) {
    throw new ActionFinishedError(action.id, statusLabels[action.status], action.title);
  }
  return isOneClick(action)
    ? applyOneClick(action, event, actor, at)
    : applyManual(action, event, actor, at);
}

function applyOneClick(
  action: OneClickAction,
  event: ActionEvent,
  actor: ActionActor,
  at: string,
): ActionEventResult<OneClickAction> {
  if (!isOneClickEvent(event) || oneClickFrom[event.type] !== action.status) {
    throw illegal(action, event);
  }
  switch (event.type) {
    case 'start':
    case 'retry': {
      const attempts = action.attempts + 1;
      const base = without(action, 'failureReason', 'machineActionId');
      const next = { ...base, attempts, requestedBy: { ...actor }, requestedAt: at };
      const note = event.type === 'retry' ? `Attempt ${attempts}` : undefined;
      return { action: moved(next, 'inProgress', actor, at, note), changed: true };
    }
    case 'defenderAccepted': {
      const id = event.machineActionId.trim();
      if (!id) throw new InvalidInputError('The Defender request id is missing.');
      // Redelivered acknowledgements (retries, a second poll) must not grow the history.
      if (action.machineActionId === id) return { action, changed: false };
      const next = { ...action, machineActionId: id };
      return {
        action: moved(next, 'inProgress', actor, at, `Accepted by Defender: ${id}`),
        changed: true,
      };
    }
    case 'succeed':
      return {
        action: moved(without(action, 'failureReason'), 'completed', actor, at),
        changed: true,
      };
    case 'fail': {
      const reason = event.reason.trim();
      if (!reason) throw new InvalidInputError('A failure needs a reason.');
      const next = { ...action, failureReason: reason };
      return { action: moved(next, 'failed', actor, at, reason), changed: true };
    }
  }
}

function applyManual(
  action: ManualAction,
  event: ActionEvent,
  actor: ActionActor,
  at: string,
): ActionEventResult<ManualAction> {
  // Finished manual actions were refused by the caller, so the status is `pending` here.
  switch (event.type) {
    case 'requestComplete':
      return {
        action,
        changed: false,
        confirmation: {
          intent: 'complete',
          confirmEvent: 'confirmComplete',
          cancelEvent: 'cancel',
        },
      };
    case 'requestSkip':
      return {
        action,
        changed: false,
        confirmation: { intent: 'skip', confirmEvent: 'confirmSkip', cancelEvent: 'cancel' },
      };
    case 'cancel':
      return { action, changed: false };
    case 'confirmComplete':
      return { action: moved(action, 'completed', actor, at, trimmed(event.note)), changed: true };
    case 'confirmSkip':
      return { action: moved(action, 'skipped', actor, at, trimmed(event.reason)), changed: true };
    default:
      throw illegal(action, event);
  }
}

function isOneClickEvent(event: ActionEvent): event is OneClickEvent {
  return (oneClickEventTypes as readonly string[]).includes(event.type);
}

function illegal(action: ResponseAction, event: ActionEvent): IllegalTransitionError {
  const to = targetStatus[event.type];
  const wrongKind = isOneClick(action) !== isOneClickEvent(event);
  const message = wrongKind
    ? `"${action.title}" is ${isOneClick(action) ? 'a one-click' : 'a manual'} action; it cannot be ${eventLabels[event.type]} that way.`
    : `"${action.title}" is ${statusLabels[action.status]}, so it cannot be ${eventLabels[event.type]}.`;
  return new IllegalTransitionError({
    actionId: action.id,
    from: action.status,
    ...(to ? { to } : {}),
    event: event.type,
    message,
  });
}

function moved<A extends ResponseAction>(
  action: A,
  to: A['status'],
  actor: ActionActor,
  at: string,
  note?: string,
): A {
  const by = { ...actor };
  const entry: ActionHistoryEntry = { at, by, from: action.status, to, ...(note ? { note } : {}) };
  return {
    ...action,
    status: to,
    history: [...action.history, entry],
    updatedBy: by,
    updatedAt: at,
  };
}

/** A copy without the given keys (stored actions must not keep stale optional fields). */
function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) Reflect.deleteProperty(copy, key);
  return copy;
}

function trimmed(text: string | undefined): string | undefined {
  const value = text?.trim();
  return value ? value : undefined;
}
