// Who may undo which containment, decided from stored state and from Defender, never from the
// card: a Security Operator of the tenant, on an isolation or app restriction that completed (or
// that Defender reports already in force on the device), not undone before, with no opposite
// action running on the device. A closed incident does not stop an undo: a device stays cut off
// after its incident is resolved, and releasing it is exactly what the customer then needs.
import { IllegalTransitionError } from '../../domain/errors.ts';
import { containmentOf, type Containment } from '../../domain/device-facts.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { OneClickAction, ResponseAction } from '../../domain/response-action.ts';
import { assertCanRunActions, type Role } from '../../domain/roles.ts';
import { isContainedBy, newUndoAction, undoKindOf, undoOf } from '../../domain/undo-action.ts';
import { assertNoDeviceConflict } from './card-action-guard.ts';
import type { MachineActionsPort } from './ports.ts';

/** Defender's containment of the device now (not cached); undefined when Defender cannot say. */
export async function readContainment(
  machineActions: MachineActionsPort,
  deviceId: string,
): Promise<Containment | undefined> {
  if (!machineActions.listDeviceActions) return undefined;
  try {
    return containmentOf(await machineActions.listDeviceActions(deviceId));
  } catch {
    return undefined;
  }
}

/** Throws the refusal, or returns the action to undo. */
export function assertMayUndo(args: {
  response: ManagedResponse;
  action: ResponseAction;
  role: Role;
  containment: Containment | undefined;
  tenantResponses: readonly ManagedResponse[];
}): OneClickAction & { target: { deviceName: string } } {
  const { response, action, role, containment } = args;
  assertCanRunActions(role);
  if (action.kind === 'manual' || !undoKindOf(action.kind) || action.target.kind === 'none') {
    throw illegal(
      action,
      `"${action.title}" is not an isolation or app restriction: there is nothing to undo.`,
    );
  }
  const device = action.target.deviceName;
  const existing = undoOf(response, action.id);
  if (existing) {
    const state =
      existing.status === 'failed'
        ? 'it failed: use Retry on its own task'
        : existing.status === 'inProgress'
          ? 'in progress'
          : existing.status;
    throw illegal(action, `"${existing.title}" was already requested (${state}).`);
  }
  if (action.status === 'inProgress') {
    throw illegal(
      action,
      `"${action.title}" is still in progress: wait until it finishes to undo it.`,
    );
  }
  const contained = containment ? isContainedBy(action, containment) : undefined;
  if (action.status === 'completed' && contained === false) {
    // Released since, in the portal for instance: Defender is not asked again.
    const state = action.kind === 'isolateDevice' ? 'isolated' : 'restricted';
    throw illegal(
      action,
      `${device} is not ${state} in Microsoft Defender any more: there is nothing to undo.`,
    );
  }
  // Pending or failed: only when Defender reports the device contained anyway (item 2's state).
  if (action.status !== 'completed' && contained !== true) {
    throw illegal(action, `"${action.title}" has not completed: there is nothing to undo.`);
  }
  // Never beside an isolation (or a release) of the same device in progress, in any incident.
  const undo = newUndoAction(action, action.createdAt);
  assertNoDeviceConflict(undo, response.incidentId, args.tenantResponses);
  return action as OneClickAction & { target: { deviceName: string } };
}

function illegal(action: ResponseAction, message: string): IllegalTransitionError {
  return new IllegalTransitionError({
    actionId: action.id,
    from: action.status,
    event: 'undo',
    message,
  });
}
