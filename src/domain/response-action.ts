// Response actions recommended by the experts: five one-click kinds run through Defender for
// Endpoint, and manual actions the customer performs and then records.

export const oneClickKinds = [
  'isolateDevice',
  'quarantineFile',
  'restrictAppExecution',
  'releaseFromIsolation',
  'removeAppRestriction',
] as const;
export type OneClickKind = (typeof oneClickKinds)[number];
export type ActionKind = OneClickKind | 'manual';

export type IsolationType = 'full' | 'selective';

export interface DeviceTarget {
  /** Defender device id. */
  deviceId: string;
  deviceName: string;
}

export type ActionTarget =
  | ({ kind: 'device' } & DeviceTarget)
  | ({ kind: 'file'; sha1: string; fileName: string } & DeviceTarget)
  | { kind: 'none' };

export type OneClickStatus = 'pending' | 'inProgress' | 'completed' | 'failed';
export type ManualStatus = 'pending' | 'completed' | 'skipped';
export type ActionStatus = OneClickStatus | ManualStatus;

export interface ActionActor {
  /** Entra object id, or 'experts' when the experts acted. */
  userId: string;
  name: string;
}

export interface ActionHistoryEntry {
  at: string;
  by: ActionActor;
  from: ActionStatus;
  to: ActionStatus;
  note?: string;
}

interface ActionBase {
  id: string;
  title: string;
  /** What to do and why (markdown-light text). */
  description: string;
  /** Expected impact on the business (e.g. "The device loses network access"). */
  impact?: string;
  createdAt: string;
  history: ActionHistoryEntry[];
  /** Who moved it to its current status, and when. */
  updatedBy?: ActionActor;
  updatedAt?: string;
}

export interface OneClickAction extends ActionBase {
  kind: OneClickKind;
  status: OneClickStatus;
  target: ActionTarget;
  isolationType?: IsolationType;
  /** Defender machine action id of the latest attempt. */
  machineActionId?: string;
  failureReason?: string;
  attempts: number;
  /** Who started (or retried) the latest attempt, and when. */
  requestedBy?: ActionActor;
  requestedAt?: string;
}

export interface ManualAction extends ActionBase {
  kind: 'manual';
  status: ManualStatus;
}

export type ResponseAction = OneClickAction | ManualAction;

export function isOneClick(action: ResponseAction): action is OneClickAction {
  return action.kind !== 'manual';
}

export function isFinished(action: ResponseAction): boolean {
  return action.status === 'completed' || action.status === 'skipped';
}
