// What the service keeps beside a one-click action in the stored ManagedResponse: when Defender
// already had the same action running on the device (started by automated investigation and
// response, or in the portal), the card says so and follows that action instead of starting a
// second one. Extra fields survive the domain's transitions (they copy the action with spread);
// `start` and `retry` clear this one (see clearAlreadyRunning).
import type { OneClickAction, ResponseAction } from './response-action.ts';
import { isOneClick } from './response-action.ts';

export interface AlreadyRunningNote {
  /** Defender's id of the action that was already running. */
  machineActionId: string;
  /** Defender's requestor, e.g. "Automated investigation" or an analyst's UPN. */
  requestedBy?: string;
}

export type TrackedOneClickAction = OneClickAction & { alreadyRunning?: AlreadyRunningNote };

export function alreadyRunningOf(action: ResponseAction): AlreadyRunningNote | undefined {
  return isOneClick(action) ? (action as TrackedOneClickAction).alreadyRunning : undefined;
}

export function withAlreadyRunning(
  action: OneClickAction,
  note: AlreadyRunningNote,
): TrackedOneClickAction {
  return { ...action, alreadyRunning: note };
}

export function clearAlreadyRunning<A extends ResponseAction>(action: A): A {
  if (!('alreadyRunning' in action)) return action;
  const copy = { ...action };
  Reflect.deleteProperty(copy, 'alreadyRunning');
  return copy;
}
