// Data of the Actions card (cards/response-actions.json) from the managed response, the incident
// as the watcher last saw it and who looks at it. Three viewers: an operator (live buttons), a
// reader (buttons greyed, with the reason), and `shared` for the base card of a channel or group
// chat, where nobody in particular looks: least privilege, so greyed buttons and a line telling
// operators how to get theirs (their own view arrives through refresh).
import type { ActionButtons, ActionTask } from '../../../cards/response-action-task.ts';
import type { MessageStyle } from '../../../cards/message.ts';
import type { ResponseActionsCardData } from '../../../cards/response-actions.ts';
import type { ZeroOrOne } from '../../../cards/card-parts.ts';
import { toCardTimestamp } from '../../../cards/card-parts.ts';
import { allCustomerActionsDone } from '../../domain/actions-summary.ts';
import { classifications, determinations, parseEnum } from '../../domain/incident.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { ResponseAction } from '../../domain/response-action.ts';
import { isFinished, isOneClick } from '../../domain/response-action.ts';
import {
  classificationLabel,
  determinationLabel,
  severityBadge,
  statusBadge,
} from '../../../cards/incident-labels.ts';
import { truncate } from '../../../cards/card-text.ts';
import { actionStatusBadge, kindLabel, kindNoun, runLabel, statusLine } from './action-labels.ts';
import { EXPERTS_ACTOR } from './ports.ts';
import { alreadyRunningOf } from './tracked-action.ts';

export type ViewerKind = 'operator' | 'reader' | 'shared';

export interface TextLimits {
  title: number;
  description: number;
  impact: number;
}

export const defaultTextLimits: TextLimits = { title: 200, description: 600, impact: 300 };

export interface ActionsCardInput {
  response: ManagedResponse;
  incident: Incident | undefined;
  viewer: ViewerKind;
  banner?: { text: string; style: MessageStyle };
  /** The confirmation step one user asked for (a per-user view). */
  confirm?: { actionId: string; intent: 'complete' | 'skip' };
  /** User MRIs whose clients refresh the card automatically (at most 60 are kept). */
  refreshUserIds: readonly string[];
  limits?: TextLimits;
  /** How many task cards each section shows (the renderer lowers them when the card is too large). */
  maxShown?: { pending: number; completed: number };
}

export const SHARED_HINT =
  'Security Operators: the buttons turn on in your own view of this card (… › Refresh card).';

export function isClosed(incident: Pick<Incident, 'status'> | undefined): boolean {
  const status = incident?.status.toLowerCase();
  return status === 'resolved' || status === 'redirected';
}

export function incidentWebUrl(response: ManagedResponse, incident: Incident | undefined): string {
  return (
    incident?.webUrl ||
    `https://security.microsoft.com/incidents/${encodeURIComponent(response.incidentId)}?tid=${response.tenantId}`
  );
}

/** All actions done, at least one by the customer, incident still open: back with the experts. */
export function isHandedBack(response: ManagedResponse, incident: Incident | undefined): boolean {
  return (
    !isClosed(incident) &&
    response.actions.length > 0 &&
    allCustomerActionsDone(response.actions) &&
    response.actions.some((a) => a.updatedBy && a.updatedBy.userId !== EXPERTS_ACTOR.userId)
  );
}

export function actionsCardData(input: ActionsCardInput): ResponseActionsCardData {
  const { response, incident, viewer } = input;
  const limits = input.limits ?? defaultTextLimits;
  const closed = isClosed(incident);
  const tasks = response.actions.map((action) => ({
    action,
    task: actionTask(action, input, closed, limits),
  }));
  const allPending = tasks.filter(({ action }) => !isFinished(action)).map(({ task }) => task);
  const allCompleted = tasks.filter(({ action }) => isFinished(action)).map(({ task }) => task);
  const max = input.maxShown ?? { pending: Infinity, completed: Infinity };
  const pending = allPending.slice(0, max.pending);
  // The latest completed actions are the ones people look for.
  const completed = max.completed > 0 ? allCompleted.slice(-max.completed) : [];
  const hidden = allPending.length - pending.length + allCompleted.length - completed.length;
  const live = tasks.some(({ task }) => task.buttons.length > 0);
  const banner = withOverflowNote(input.banner ?? defaultBanner(response, viewer, live), hidden);
  const resolved = incident && incident.status.toLowerCase() === 'resolved';
  return {
    incidentId: response.incidentId,
    title: truncate(incident?.title ?? response.summary.headline, limits.title),
    severity: severityBadge(incident?.severity ?? response.summary.severity),
    status: incident
      ? statusBadge(incident)
      : { label: 'Awaiting Customer Action', color: 'warning' },
    resolution: resolved ? [resolutionOf(incident)] : [],
    banner: banner ? [banner] : [],
    readerNotice: viewer === 'reader' && live ? [{}] : [],
    handBack: isHandedBack(response, incident) ? [{}] : [],
    pendingActions: pending,
    noPendingActions: pending.length === 0 ? [{}] : [],
    completedActions: completed,
    noCompletedActions: allCompleted.length === 0 ? [{}] : [],
    refreshUserIds: [...new Set(input.refreshUserIds)].slice(0, 60),
    webUrl: incidentWebUrl(response, incident),
  };
}

function actionTask(
  action: ResponseAction,
  input: ActionsCardInput,
  closed: boolean,
  limits: TextLimits,
): ActionTask {
  const confirming = input.confirm?.actionId === action.id ? input.confirm.intent : undefined;
  const enabled = input.viewer === 'operator';
  const button = { actionId: action.id, enabled };
  const line = statusLine(action);
  const target = isOneClick(action) ? action.target : { kind: 'none' as const };
  const canAct = !closed && !isFinished(action) && action.status !== 'inProgress';
  return {
    id: action.id,
    title: truncate(action.title, limits.title),
    kindLabel: kindLabel(action),
    status: actionStatusBadge(action.status),
    description: truncate(action.description, limits.description),
    device: target.kind === 'none' ? [] : [{ name: target.deviceName, id: target.deviceId }],
    file: target.kind === 'file' ? [{ name: target.fileName, sha1: target.sha1 }] : [],
    impact: action.impact ? [{ text: truncate(action.impact, limits.impact) }] : [],
    statusLine: line ? [{ text: line.text, at: toCardTimestamp(line.at) }] : [],
    failureReason:
      isOneClick(action) && action.status === 'failed' && action.failureReason
        ? [{ text: truncate(action.failureReason, limits.impact) }]
        : [],
    buttons: canAct && !confirming ? [buttonsOf(action, button)] : [],
    confirmComplete: canAct && confirming === 'complete' ? [{ ...button, enabled: true }] : [],
    confirmSkip: canAct && confirming === 'skip' ? [{ ...button, enabled: true }] : [],
  };
}

function buttonsOf(
  action: ResponseAction,
  button: { actionId: string; enabled: boolean },
): ActionButtons {
  const none: ZeroOrOne<never> = [];
  if (!isOneClick(action)) return { run: none, retry: none, complete: [button], skip: [button] };
  if (action.status === 'failed') return { run: none, retry: [button], complete: none, skip: none };
  return { run: [{ ...button, label: runLabel(action) }], retry: none, complete: none, skip: none };
}

function defaultBanner(
  response: ManagedResponse,
  viewer: ViewerKind,
  live: boolean,
): { text: string; style: MessageStyle } | undefined {
  for (const action of response.actions) {
    const note = alreadyRunningOf(action);
    if (note && isOneClick(action) && action.status === 'inProgress') {
      const device = action.target.kind === 'none' ? 'the device' : action.target.deviceName;
      const by = note.requestedBy ? ` (started by ${note.requestedBy})` : '';
      return {
        text: `Defender already has ${kindNoun(action.kind)} pending on ${device}${by}. This card updates when it finishes.`,
        style: 'warning',
      };
    }
  }
  return viewer === 'shared' && live ? { text: SHARED_HINT, style: 'default' } : undefined;
}

function withOverflowNote(
  banner: { text: string; style: MessageStyle } | undefined,
  hidden: number,
): { text: string; style: MessageStyle } | undefined {
  if (hidden === 0) return banner;
  const note = `${hidden} more ${hidden === 1 ? 'action is' : 'actions are'} not shown on this card: open the incident in Microsoft Defender to see all of them.`;
  return banner ? { ...banner, text: `${banner.text} ${note}` } : { text: note, style: 'warning' };
}

function resolutionOf(incident: Incident): { classification: string; determination: string } {
  const classification = parseEnum(classifications, incident.classification, 'unknown');
  const determination = parseEnum(determinations, incident.determination, 'unknown');
  return {
    classification: classificationLabel(classification) ?? 'Not classified',
    determination: determinationLabel(determination) ?? 'No determination',
  };
}
