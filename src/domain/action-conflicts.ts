// Response actions that must not run at the same time on one device.

import { ConflictingActionError } from './errors.ts';
import { isOneClick } from './response-action.ts';
import type { OneClickAction, OneClickKind, ResponseAction } from './response-action.ts';

// Pairs that undo each other: running one while the other is in progress leaves the device in an
// unknown state. Defender itself refuses a second action of the same type on a device.
const opposites: Partial<Record<OneClickKind, OneClickKind>> = {
  isolateDevice: 'releaseFromIsolation',
  releaseFromIsolation: 'isolateDevice',
  restrictAppExecution: 'removeAppRestriction',
  removeAppRestriction: 'restrictAppExecution',
};

function deviceOf(action: OneClickAction): string | undefined {
  return action.target.kind === 'none' ? undefined : action.target.deviceId.toLowerCase();
}

/**
 * The in-progress action that `action` must not run beside, if any. `others` may hold actions of
 * several incidents of one tenant (ids unique within it) and may include `action` itself.
 */
export function conflictsWith(
  action: ResponseAction,
  others: readonly ResponseAction[],
): OneClickAction | undefined {
  if (!isOneClick(action)) return undefined;
  const device = deviceOf(action);
  if (device === undefined) return undefined;
  return others
    .filter(isOneClick)
    .find(
      (other) =>
        other.id !== action.id &&
        other.status === 'inProgress' &&
        deviceOf(other) === device &&
        (other.kind === action.kind || opposites[action.kind] === other.kind),
    );
}

/** Throws ConflictingActionError naming the blocking action when `conflictsWith` finds one. */
export function assertNoConflict(action: ResponseAction, others: readonly ResponseAction[]): void {
  const conflict = conflictsWith(action, others);
  if (!conflict) return;
  const device = conflict.target.kind === 'none' ? 'the device' : conflict.target.deviceName;
  throw new ConflictingActionError(
    action.id,
    conflict.id,
    `"${action.title}" cannot start while "${conflict.title}" is in progress on ${device}. Wait until it finishes.`,
  );
}
