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
export function allCustomerActionsDone(actions: readonly ResponseAction[]): boolean {
  return actions.every((a) => isFinished(a) || isUndo(a));
}
