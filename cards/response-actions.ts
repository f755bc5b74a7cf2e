// response-actions.json: the Actions card of a managed response, rendered per user (refresh) and
// for everyone in a conversation (base card).
import type { Badge, Shown, ZeroOrOne } from './card-parts.ts';
import type { MessageStyle } from './message.ts';
import type { ActionTask } from './response-action-task.ts';

/** response-actions: the Actions card, rendered per user (refresh) and for everyone (base card). */
export interface ResponseActionsCardData {
  incidentId: string;
  title: string;
  severity: Badge;
  status: Badge;
  /** "Resolved — False positive (Not malicious)" at the top. */
  resolution: ZeroOrOne<{ classification: string; determination: string }>;
  /** An outcome or refusal, e.g. "Refused: this action belongs to another incident". */
  banner: ZeroOrOne<{ text: string; style: MessageStyle }>;
  /** "You have Security Reader access: ask a Security Operator to run these actions." */
  readerNotice: Shown;
  /** "All actions are done: the incident is back with the experts." */
  handBack: Shown;
  pendingActions: readonly ActionTask[];
  /** "No pending actions." when pendingActions is empty. */
  noPendingActions: Shown;
  completedActions: readonly ActionTask[];
  /** "No completed actions yet." when completedActions is empty. */
  noCompletedActions: Shown;
  /** User MRIs ("29:...") whose clients refresh automatically: at most 60; [] means none. */
  refreshUserIds: readonly string[];
  webUrl: string;
}
