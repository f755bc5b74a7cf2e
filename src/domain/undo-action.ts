// The way back from a containment: Release from isolation undoes Isolate device, Remove app
// restriction undoes Restrict app execution. An undo is a one-click action of its own, added to
// the managed response by the customer and linked to the action it reverses (`reverses`), so it
// runs through Defender, fails, retries, is audited and shown on every copy like any other.
// One undo per action: once it exists, a failed undo is retried on its own task card.
import type { ManagedResponse } from './managed-response.ts';
import type { OneClickAction, OneClickKind, ResponseAction } from './response-action.ts';
import { isOneClick } from './response-action.ts';
import type { Containment } from './device-facts.ts';

export type UndoAction = OneClickAction & { reverses: string };

/** The containment kinds that can be undone, and the kind that undoes each. */
const undoKinds: Partial<Record<OneClickKind, OneClickKind>> = {
  isolateDevice: 'releaseFromIsolation',
  restrictAppExecution: 'removeAppRestriction',
};

export function undoKindOf(kind: OneClickKind): OneClickKind | undefined {
  return undoKinds[kind];
}

export function isUndo(action: ResponseAction): action is UndoAction {
  return isOneClick(action) && typeof (action as Partial<UndoAction>).reverses === 'string';
}

/** The undo linked to `actionId`, if the customer asked for one. */
export function undoOf(response: ManagedResponse, actionId: string): UndoAction | undefined {
  return response.actions.find((a): a is UndoAction => isUndo(a) && a.reverses === actionId);
}

/** Ids of experts' actions are at most 64 characters, so the undo's id stays a valid card id. */
export function undoActionId(actionId: string): string {
  return `undo-${actionId}`;
}

/** "Release from isolation", "Remove app restriction": the button and the undo's kind label. */
export function undoLabel(kind: OneClickKind): string {
  return kind === 'restrictAppExecution' ? 'Remove app restriction' : 'Release from isolation';
}

/** Whether the device is in the state the action put it in, as Defender reports it. */
export function isContainedBy(action: OneClickAction, containment: Containment): boolean {
  if (action.kind === 'isolateDevice') return containment.isolated !== undefined;
  if (action.kind === 'restrictAppExecution') return containment.restricted !== undefined;
  return false;
}

/**
 * Why `action` may be undone, or undefined: a completed isolation or restriction, or one still
 * pending or failed on a device Defender already reports contained (by automated investigation,
 * or someone in the portal). Never twice, never an undo of an undo.
 */
export function undoBasis(
  response: ManagedResponse,
  action: ResponseAction,
  containment: Containment | undefined,
): 'completed' | 'alreadyContained' | undefined {
  if (!isOneClick(action) || isUndo(action) || action.target.kind === 'none') return undefined;
  if (!undoKindOf(action.kind) || undoOf(response, action.id)) return undefined;
  if (action.status === 'completed') return 'completed';
  if (action.status === 'inProgress') return undefined;
  return containment && isContainedBy(action, containment) ? 'alreadyContained' : undefined;
}

/** The undo of `original`, pending (the caller starts it). */
export function newUndoAction(original: OneClickAction, at: string): UndoAction {
  const kind = undoKindOf(original.kind);
  if (!kind || original.target.kind === 'none') {
    throw new TypeError(`"${original.title}" cannot be undone.`);
  }
  const { deviceId, deviceName } = original.target;
  const title =
    kind === 'releaseFromIsolation'
      ? `Release ${deviceName} from isolation`
      : `Remove app restriction on ${deviceName}`;
  const effect =
    kind === 'releaseFromIsolation'
      ? `${deviceName} gets its network connections back.`
      : `every app may run on ${deviceName} again.`;
  return {
    id: undoActionId(original.id),
    kind,
    title,
    description: `Undoes "${original.title}": ${effect}`,
    createdAt: at,
    history: [],
    status: 'pending',
    target: { kind: 'device', deviceId, deviceName },
    attempts: 0,
    reverses: original.id,
  };
}

/** The actions the experts recommended: what the hand-back rule and the reminders count. */
export function recommendedActions(actions: readonly ResponseAction[]): ResponseAction[] {
  return actions.filter((a) => !isUndo(a));
}
