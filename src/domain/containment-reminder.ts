// Still contained: a device isolated (or app-restricted) through a managed response stays so until
// someone releases it, and an isolated production server is easy to forget. After a period
// (24 h by default, per tenant) the incident's contacts and SOC channels are asked: Release from
// isolation, or Keep isolated (asked again one period later). The durable record of each
// containment says when to ask next, so a restart asks once per period, never twice.
import type { ManagedResponse } from './managed-response.ts';
import type { OneClickAction } from './response-action.ts';
import { isOneClick } from './response-action.ts';
import { isUndo, undoKindOf, undoOf } from './undo-action.ts';

export interface ContainmentReminder {
  tenantId: string;
  incidentId: string;
  /** The completed isolation or app restriction. */
  actionId: string;
  kind: 'isolateDevice' | 'restrictAppExecution';
  deviceId: string;
  deviceName: string;
  /** When the action completed. */
  containedSince: string;
  /** Who started it, as the card says it. */
  containedBy?: string;
  /** When to ask next (ISO). */
  dueAt: string;
  /** Reminders sent so far: the round number of the next one is asked + 1. */
  asked: number;
  lastAskedAt?: string;
  keptBy?: { userId: string; name: string; at: string };
  /** The state of our release (the undo) the cards last showed, so each change edits them once. */
  releaseShown?: 'pending' | 'inProgress' | 'failed';
  /** Set when the device was released (by us, or in the portal): nothing more is sent. */
  stopped?: { at: string; reason: 'released' | 'releasedInDefender' };
}

/** A completed containment that is not undone (an undo that failed leaves it contained). */
export interface ContainedAction {
  action: OneClickAction & { kind: ContainmentReminder['kind'] };
  completedAt: string;
}

export function containedActions(response: ManagedResponse): ContainedAction[] {
  const found: ContainedAction[] = [];
  for (const action of response.actions) {
    if (!isOneClick(action) || isUndo(action) || action.status !== 'completed') continue;
    if (action.kind !== 'isolateDevice' && action.kind !== 'restrictAppExecution') continue;
    if (!undoKindOf(action.kind) || action.target.kind === 'none') continue;
    const undo = undoOf(response, action.id);
    if (undo && undo.status !== 'failed') continue;
    const completedAt = action.history.filter((h) => h.to === 'completed').at(-1)?.at;
    const at = completedAt ?? action.updatedAt;
    if (!at) continue;
    found.push({ action: action as ContainedAction['action'], completedAt: at });
  }
  return found;
}

/** Containments our undo released (completed): their reminders stop and their cards say so. */
export function releasedActions(
  response: ManagedResponse,
): { actionId: string; releasedBy: string | undefined }[] {
  return response.actions.flatMap((a) =>
    isUndo(a) && a.status === 'completed'
      ? [{ actionId: a.reverses, releasedBy: a.requestedBy?.name }]
      : [],
  );
}

/** Whether the undo the customer asked for (through us) released the device or is doing so. */
export function isReleasedByUs(response: ManagedResponse, actionId: string): boolean {
  const undo = undoOf(response, actionId);
  return undo !== undefined && undo.status !== 'failed';
}

/** The release the customer asked for through us (the undo), as the still-contained card says it. */
export interface ReleaseProgress {
  by?: string;
  at?: string;
  status: 'pending' | 'inProgress' | 'completed' | 'failed';
  failureReason?: string;
}

export function releaseOf(
  response: ManagedResponse,
  actionId: string,
): ReleaseProgress | undefined {
  const undo = undoOf(response, actionId);
  if (!undo) return undefined;
  return {
    status: undo.status,
    ...(undo.requestedBy ? { by: undo.requestedBy.name } : {}),
    ...(undo.requestedAt ? { at: undo.requestedAt } : {}),
    ...(undo.failureReason ? { failureReason: undo.failureReason } : {}),
  };
}

export function newReminder(
  response: ManagedResponse,
  contained: ContainedAction,
  periodMs: number,
): ContainmentReminder {
  const { action, completedAt } = contained;
  const target = action.target as { deviceId: string; deviceName: string };
  return {
    tenantId: response.tenantId,
    incidentId: response.incidentId,
    actionId: action.id,
    kind: action.kind,
    deviceId: target.deviceId,
    deviceName: target.deviceName,
    containedSince: completedAt,
    ...(action.requestedBy ? { containedBy: action.requestedBy.name } : {}),
    dueAt: new Date(Date.parse(completedAt) + periodMs).toISOString(),
    asked: 0,
  };
}

export function isDue(reminder: ContainmentReminder, nowMs: number): boolean {
  return !reminder.stopped && Date.parse(reminder.dueAt) <= nowMs;
}

/** The reminder after one more round was asked at `nowMs`. */
export function asked(
  reminder: ContainmentReminder,
  nowMs: number,
  periodMs: number,
): ContainmentReminder {
  return {
    ...reminder,
    asked: reminder.asked + 1,
    lastAskedAt: new Date(nowMs).toISOString(),
    dueAt: new Date(nowMs + periodMs).toISOString(),
  };
}

/** Keep isolated: asked again one period after the click. */
export function kept(
  reminder: ContainmentReminder,
  by: { userId: string; name: string },
  nowMs: number,
  periodMs: number,
): ContainmentReminder {
  const at = new Date(nowMs).toISOString();
  return { ...reminder, keptBy: { ...by, at }, dueAt: new Date(nowMs + periodMs).toISOString() };
}

/**
 * Whether someone chose Keep isolated since the latest round was asked: Keep is then not offered
 * again (nor accepted) until the next round; a Keep from an earlier round does not count.
 */
export function keptThisRound(reminder: ContainmentReminder): boolean {
  if (!reminder.keptBy) return false;
  if (!reminder.lastAskedAt) return true;
  return Date.parse(reminder.keptBy.at) >= Date.parse(reminder.lastAskedAt);
}

export function stopped(
  reminder: ContainmentReminder,
  reason: NonNullable<ContainmentReminder['stopped']>['reason'],
  nowMs: number,
): ContainmentReminder {
  return { ...reminder, stopped: { at: new Date(nowMs).toISOString(), reason } };
}

/** "30 min", "24 h", "36 h", "3 days": how long the device has been contained. */
export function containedForText(ms: number): string {
  if (ms < 3_600_000) return `${Math.max(1, Math.floor(ms / 60_000))} min`;
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 72) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
