// One response action as a task card inside response-actions.json, with its buttons.
import type { ResponseAction } from '../src/domain/response-action.ts';
import { isFinished, isOneClick } from '../src/domain/response-action.ts';
import type { DeviceLookup } from '../src/domain/device-facts.ts';
import { deviceView, type DeviceView } from './response-action-device.ts';
import { undoView, type UndoView } from './response-action-undo.ts';
import type { ManagedResponse } from '../src/domain/managed-response.ts';
import { highValueView, type HighValueView } from './response-action-high-value.ts';
import { toCardTimestamp, type Badge, type CardTimestamp, type ZeroOrOne } from './card-parts.ts';
import { truncate } from './card-text.ts';
import { actionStatusBadge, kindLabel, runLabel, statusLine } from './response-action-labels.ts';

/** A button on one action's task card. `enabled: false` greys it out (Security Reader). */
export interface ActionButton {
  actionId: string;
  enabled: boolean;
}

/** The one-click Run button, titled with the action: "Isolate device", "Quarantine file"... */
export interface RunButton extends ActionButton {
  label: string;
}

/** The buttons of a task card outside a confirmation step; at least one should be present. */
export interface ActionButtons {
  run: ZeroOrOne<RunButton>;
  /** "Retry", for a failed one-click action. */
  retry: ZeroOrOne<ActionButton>;
  /** "I've completed this action" (manual), opens the confirmation step. */
  complete: ZeroOrOne<ActionButton>;
  /** "Skip", opens the confirmation step. */
  skip: ZeroOrOne<ActionButton>;
}

/** One response action as a task card. */
export interface ActionTask {
  /** Unique in the card and safe in an element id (letters, digits, '-', '_'): it names `details-<id>`. */
  id: string;
  title: string;
  /** e.g. "One-click action · Isolate device (full)" or "Manual action". */
  kindLabel: string;
  /** Pending warning, In progress accent, Completed good, Failed attention, Skipped default. */
  status: Badge;
  /** What to do and why. */
  description: string;
  device: ZeroOrOne<{ name: string; id: string }>;
  file: ZeroOrOne<{ name: string; sha1: string }>;
  impact: ZeroOrOne<{ text: string }>;
  /** What Defender knows about the device (pending one-click actions only). */
  deviceFacts: DeviceView['facts'];
  deviceSeen: DeviceView['seen'];
  deviceWarnings: DeviceView['warnings'];
  /** Already isolated or restricted (by whom, since when): the Run button is not offered. */
  deviceContained: DeviceView['contained'];
  /** "Device details unavailable" when Defender could not be asked. */
  deviceUnavailable: DeviceView['unavailable'];
  /** A high-value device: why its name must be typed, and the box for it (operators). */
  highValue: HighValueView['note'];
  deviceNameInput: HighValueView['input'];
  /** Who started, completed or skipped it, e.g. { text: "Started by Adele Vance", at }. */
  statusLine: ZeroOrOne<{ text: string; at: CardTimestamp }>;
  /** Defender's failure reason. */
  failureReason: ZeroOrOne<{ text: string }>;
  buttons: ZeroOrOne<ActionButtons>;
  /** The step after "I've completed this action": "Yes, I've done it" and "Cancel". */
  confirmComplete: ZeroOrOne<ActionButton>;
  /** The step after "Skip": "Yes, skip this action" and "Cancel". */
  confirmSkip: ZeroOrOne<ActionButton>;
  /** Release from isolation / Remove app restriction, its confirmation, where the undo stands. */
  undo: UndoView['undo'];
  confirmUndo: UndoView['confirmUndo'];
  undoLine: UndoView['undoLine'];
}

/** The confirmation step one user asked for on one task. */
export type ConfirmIntent = 'complete' | 'skip' | 'undo';

/** What a task card depends on besides its action: who looks, and a confirmation step asked for. */
export interface TaskInput {
  viewer: 'operator' | 'reader' | 'shared';
  confirm?: { actionId: string; intent: ConfirmIntent };
  /** The whole response: an undo is an action of its own, linked to the one it reverses. */
  response?: ManagedResponse;
  /** Device facts read from Defender when the card is rendered, by device id. */
  devices?: {
    lookups: ReadonlyMap<string, DeviceLookup>;
    nowMs: number;
    /** The tenant's high-value machine tags (typed confirmation). */
    highValueTags?: readonly string[];
  };
}

export interface TaskTextLimits {
  title: number;
  description: number;
  impact: number;
}

export function actionTask(
  action: ResponseAction,
  input: TaskInput,
  closed: boolean,
  limits: TaskTextLimits,
): ActionTask {
  const confirming = input.confirm?.actionId === action.id ? input.confirm.intent : undefined;
  const enabled = input.viewer === 'operator';
  const button = { actionId: action.id, enabled };
  const line = statusLine(action);
  const target = isOneClick(action) ? action.target : { kind: 'none' as const };
  const canAct = !closed && !isFinished(action) && action.status !== 'inProgress';
  const device = deviceView(isOneClick(action) && canAct ? action : undefined, input.devices);
  const undo = undoView(action, { ...input, confirming: confirming === 'undo' });
  const offered = canAct && !confirming && device.contained.length === 0;
  const highValue =
    isOneClick(action) && offered
      ? highValueView(action, input.devices, enabled)
      : { note: [] as const, input: [] as const };
  return {
    id: action.id,
    title: truncate(action.title, limits.title),
    kindLabel: kindLabel(action),
    status: actionStatusBadge(action.status),
    description: truncate(action.description, limits.description),
    device: target.kind === 'none' ? [] : [{ name: target.deviceName, id: target.deviceId }],
    file: target.kind === 'file' ? [{ name: target.fileName, sha1: target.sha1 }] : [],
    impact: action.impact ? [{ text: truncate(action.impact, limits.impact) }] : [],
    deviceFacts: device.facts,
    deviceSeen: device.seen,
    deviceWarnings: device.warnings,
    deviceContained: device.contained,
    deviceUnavailable: device.unavailable,
    highValue: highValue.note,
    deviceNameInput: highValue.input,
    statusLine: line ? [{ text: line.text, at: toCardTimestamp(line.at) }] : [],
    failureReason:
      isOneClick(action) && action.status === 'failed' && action.failureReason
        ? [{ text: truncate(action.failureReason, limits.impact) }]
        : [],
    buttons: offered ? [buttonsOf(action, button, device.runLabel)] : [],
    confirmComplete: canAct && confirming === 'complete' ? [{ ...button, enabled: true }] : [],
    confirmSkip: canAct && confirming === 'skip' ? [{ ...button, enabled: true }] : [],
    ...undo,
  };
}

function buttonsOf(
  action: ResponseAction,
  button: { actionId: string; enabled: boolean },
  label: string | undefined,
): ActionButtons {
  const none: ZeroOrOne<never> = [];
  if (!isOneClick(action)) return { run: none, retry: none, complete: [button], skip: [button] };
  if (action.status === 'failed') return { run: none, retry: [button], complete: none, skip: none };
  return {
    run: [{ ...button, label: label ?? runLabel(action) }],
    retry: none,
    complete: none,
    skip: none,
  };
}
