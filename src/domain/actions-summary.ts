// Counts of a managed response's actions by status, for cards and the hand-back rule.

import { isFinished } from './response-action.ts';
import type { ActionStatus, ResponseAction } from './response-action.ts';
import { isUndo } from './undo-action.ts';

export type ActionsSummary = Record<ActionStatus, number>;

export function actionsSummary(actions: readonly ResponseAction[]): ActionsSummary {
  const summary: ActionsSummary = {
    pending: 0,
    inProgress: 0,
    completed: 0,
    failed: 0,
    skipped: 0,
  };
  for (const action of actions) summary[action.status] += 1;
  return summary;
}

/**
 * True when nothing is left for the customer: no pending, in-progress or failed action. An undo
 * the customer started (undo-action.ts) is theirs, not a recommendation: it does not count.
 */
/**
 * How many of the experts' actions are still open for the customer (pending, in progress or
 * failed), out of how many: the "2 pending actions" / "2 of 3" on the cards. An undo (Release
 * from isolation, Remove app restriction) is the customer's own action, not one the experts
 * asked for, so it is in neither count, whatever its status; the task card still lists it.
 */
export function pendingActionsCount(actions: readonly ResponseAction[]): {
  open: number;
  total: number;
} {
  const recommended = actions.filter((a) => !isUndo(a));
  return {
    open: recommended.filter((a) => !isFinished(a)).length,
    total: recommended.length,
  };
}

export function allCustomerActionsDone(actions: readonly ResponseAction[]): boolean {
  return actions.every((a) => isFinished(a) || isUndo(a));
}
