// response-actions.json: the Actions card of a managed response, rendered per user (refresh) and
// for everyone in a conversation (base card). Its data comes from the managed response, the
// incident as the watcher last saw it and who looks at it. Three viewers: an operator (live
// buttons), a reader (buttons greyed, with the reason), and `shared` for the base card of a
// channel or group chat, where nobody in particular looks: least privilege, so greyed buttons and
// a line telling operators how to get theirs (their own view arrives through refresh).
import type { DeviceLookup } from '../src/domain/device-facts.ts';
import type { Incident } from '../src/domain/incident.ts';
import { classifications, determinations, isClosed, parseEnum } from '../src/domain/incident.ts';
import { isHandedBack, type ManagedResponse } from '../src/domain/managed-response.ts';
import { isFinished, isOneClick } from '../src/domain/response-action.ts';
import { alreadyRunningOf } from '../src/domain/tracked-action.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import { truncate } from './card-text.ts';
import {
  classificationLabel,
  determinationLabel,
  incidentWebUrl,
  severityBadge,
  statusBadge,
} from './incident-labels.ts';
import { LRUCache } from 'lru-cache';
import { CardRenderError } from './card-render-error.ts';
import { cardSizeBytes, renderedCardBytes } from './card-size.ts';
import { deepFreeze, prepareRepeatedParts, renderWithRepeatedParts } from './repeated-parts.ts';
import { actionTask, type TaskTextLimits } from './response-action-task.ts';
import { kindNoun } from './response-action-labels.ts';
import { shrinkToFit } from './shrink-to-fit.ts';
import type { Badge, Shown, ZeroOrOne } from './card-parts.ts';
import type { MessageStyle } from './message.ts';
import type { ActionTask, ConfirmIntent } from './response-action-task.ts';

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

export type ViewerKind = 'operator' | 'reader' | 'shared';

export type TextLimits = TaskTextLimits;

export const defaultTextLimits: TextLimits = { title: 200, description: 600, impact: 300 };

export interface ActionsCardInput {
  response: ManagedResponse;
  incident: Incident | undefined;
  viewer: ViewerKind;
  banner?: { text: string; style: MessageStyle };
  /** The confirmation step one user asked for (a per-user view). */
  confirm?: { actionId: string; intent: ConfirmIntent };
  /** Device facts read from Defender when the card is rendered (absent: no facts shown). */
  devices?: {
    lookups: ReadonlyMap<string, DeviceLookup>;
    nowMs: number;
    highValueTags?: readonly string[];
  };
  /** User MRIs whose clients refresh the card automatically (at most 60 are kept). */
  refreshUserIds: readonly string[];
  limits?: TextLimits;
  /** How many task cards each section shows (the renderer lowers them when the card is too large). */
  maxShown?: { pending: number; completed: number };
}

export const SHARED_HINT =
  'Security Operators: the buttons turn on in your own view of this card (… › Refresh card).';

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
  const live = tasks.some(({ task }) => task.buttons.length > 0 || task.undo.length > 0);
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

const smallest: TextLimits = { title: 80, description: 40, impact: 40 };
type ActionStep = Pick<ActionsCardInput, 'limits' | 'maxShown'>;
export const actionSteps: readonly ActionStep[] = [
  { limits: defaultTextLimits },
  { limits: { title: 160, description: 260, impact: 160 } },
  { limits: { title: 120, description: 120, impact: 80 } },
  { limits: smallest },
  // Still too large: fewer task cards (a banner says how many are not shown).
  ...[
    [9, 3],
    [8, 0],
    [6, 0],
    [4, 0],
  ].map(([pending = 0, completed = 0]) => ({ limits: smallest, maxShown: { pending, completed } })),
];

const TASK_LOOPS = ['pendingActions', 'completedActions'] as const;

// Cards rendered lately, by their data: one state of a response is drawn many times over (every
// copy with the same view after a change, each refresh Teams asks for as readers open the card,
// every click answered with the same refusal), and shrinkToFit tries the same too-large step on
// each of them. A card is a function of its data (relative times such as "Last seen 5 min ago"
// are in the data), so equal data is the same card, shared frozen; a step found too large is
// remembered as its error. Bounded by size: keys and cards are a few KB to 28 KB each.
const rendered = new LRUCache<string, AdaptiveCard | CardRenderError>({
  maxSize: 32 * 1024 * 1024,
  sizeCalculation: (value, key) =>
    2 * key.length + (value instanceof CardRenderError ? 0 : renderedCardBytes(value)),
});

/**
 * renderCard('response-actions', data), each task card bound once per distinct task, and the
 * whole card once per distinct data (frozen: callers share it).
 */
export function renderActions(data: ResponseActionsCardData): AdaptiveCard {
  const key = JSON.stringify(data);
  const known = rendered.get(key);
  if (known instanceof CardRenderError) throw known;
  if (known) return known;
  let card: AdaptiveCard;
  try {
    card = deepFreeze(renderWithRepeatedParts('response-actions', data, TASK_LOOPS));
  } catch (error) {
    if (error instanceof CardRenderError && error.code === 'CARD_TOO_LARGE') {
      rendered.set(key, error);
    }
    throw error;
  }
  rendered.set(key, card);
  return card;
}

/** Prepares renderActions now (the app calls it at start, beside precompileCards). */
export function precompileActionsCard(): void {
  prepareRepeatedParts('response-actions', TASK_LOOPS);
}

export function renderActionsCard(input: ActionsCardInput): AdaptiveCard {
  const data = new Map<ActionStep, ResponseActionsCardData>();
  const dataAt = (step: ActionStep) => {
    let found = data.get(step);
    if (!found) data.set(step, (found = actionsCardData({ ...input, ...step })));
    return found;
  };
  return shrinkToFit(
    actionSteps,
    (step) => renderActions(dataAt(step)),
    (larger, fitted) =>
      largerCardAtLeast(dataAt(larger), dataAt(fitted.step), renderedCardBytes(fitted.card)),
  );
}

/**
 * A lower bound on the size of the card of `larger` data, from the card of `smaller` data (a
 * later step: shorter texts, perhaps fewer task cards), `smallerBytes` large. The larger card is
 * the smaller one with the steps' texts longer (the card title, the banner, each task's title,
 * description, impact and failure reason: the template shows each at least once, the banner
 * exactly once), with the task cards the smaller one leaves out, each at least an empty task
 * card's size plus its texts, and without the smaller one's banner when the larger has none.
 * Sizes in bytes as cardSizeBytes counts them (2 per JSON-escaped character). 0 (no bound) when
 * the larger card does not show every task card of the smaller one, or has a banner it lacks.
 */
export function largerCardAtLeast(
  larger: ResponseActionsCardData,
  smaller: ResponseActionsCardData,
  smallerBytes: number,
): number {
  let chars = len(larger.title) - len(smaller.title);
  let bytes = 0;
  const [largerBanner] = larger.banner;
  const [smallerBanner] = smaller.banner;
  if (largerBanner && smallerBanner) chars += len(largerBanner.text) - len(smallerBanner.text);
  else if (smallerBanner) {
    // Every task card shown: no "N more actions are not shown" note, and no other banner.
    bytes -= emptyBannerBytes(smallerBanner.style) + 2 * len(smallerBanner.text);
  } else if (largerBanner) return 0;
  for (const section of ['pendingActions', 'completedActions'] as const) {
    const shown = new Map(smaller[section].map((task) => [task.id, task]));
    for (const task of larger[section]) {
      const before = shown.get(task.id);
      if (before) {
        chars += Math.max(0, taskChars(task) - taskChars(before));
        shown.delete(task.id);
      } else {
        chars += taskChars(task);
        bytes += emptyTaskBytes()[section];
      }
    }
    if (shown.size > 0) return 0;
  }
  return smallerBytes + bytes + 2 * chars;
}

const len = (text: string) => JSON.stringify(text).length - 2;

function taskChars(task: ActionTask): number {
  let count = len(task.title) + len(task.description);
  for (const { text } of [...task.impact, ...task.failureReason]) count += len(text);
  return count;
}

// Sizes of parts of the card with no text, measured once on the template itself.
const emptyTask: ActionTask = {
  id: '',
  title: '',
  kindLabel: '',
  status: { label: '', color: 'good' },
  description: '',
  device: [],
  file: [],
  impact: [],
  deviceFacts: [],
  deviceSeen: [],
  deviceWarnings: [],
  deviceContained: [],
  deviceUnavailable: [],
  highValue: [],
  deviceNameInput: [],
  statusLine: [],
  failureReason: [],
  buttons: [],
  confirmComplete: [],
  confirmSkip: [],
  undo: [],
  confirmUndo: [],
  undoLine: [],
};
const emptyCard: ResponseActionsCardData = {
  incidentId: '',
  title: '',
  severity: { label: '', color: 'good' },
  status: { label: '', color: 'good' },
  resolution: [],
  banner: [],
  readerNotice: [],
  handBack: [],
  pendingActions: [emptyTask],
  noPendingActions: [],
  completedActions: [emptyTask],
  noCompletedActions: [],
  refreshUserIds: [],
  webUrl: '',
};
const sizeOfData = (data: ResponseActionsCardData) => cardSizeBytes(renderActions(data));

let taskBytes: { pendingActions: number; completedActions: number } | undefined;

/** The size one more task card with no text and no optional part adds, in each section. */
function emptyTaskBytes(): { pendingActions: number; completedActions: number } {
  if (taskBytes) return taskBytes;
  const one = sizeOfData(emptyCard);
  taskBytes = {
    pendingActions: sizeOfData({ ...emptyCard, pendingActions: [emptyTask, emptyTask] }) - one,
    completedActions: sizeOfData({ ...emptyCard, completedActions: [emptyTask, emptyTask] }) - one,
  };
  return taskBytes;
}

const bannerBytes = new Map<MessageStyle, number>();

/** The size a banner with no text adds in that style. */
function emptyBannerBytes(style: MessageStyle): number {
  let found = bannerBytes.get(style);
  if (found === undefined) {
    found = sizeOfData({ ...emptyCard, banner: [{ text: '', style }] }) - sizeOfData(emptyCard);
    bannerBytes.set(style, found);
  }
  return found;
}
