// Defender for Endpoint machine actions ↔ the domain's one-click response actions. Defender's
// names (machine, MachineAction, Isolate, Sha1) stop here.
import { z } from 'zod';
import type { IsolationType, OneClickKind, OneClickStatus } from '../domain/response-action.ts';

/** Defender action type for each one-click kind, and the URL segment that starts it. */
export const machineActionOf: Record<OneClickKind, { type: string; endpoint: string }> = {
  isolateDevice: { type: 'Isolate', endpoint: 'isolate' },
  releaseFromIsolation: { type: 'Unisolate', endpoint: 'unisolate' },
  restrictAppExecution: { type: 'RestrictCodeExecution', endpoint: 'restrictCodeExecution' },
  removeAppRestriction: { type: 'UnrestrictCodeExecution', endpoint: 'unrestrictCodeExecution' },
  quarantineFile: { type: 'StopAndQuarantineFile', endpoint: 'StopAndQuarantineFile' },
};

const optionalText = z.string().nullish();

export const machineActionSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  scope: optionalText,
  requestor: optionalText,
  requestorComment: optionalText,
  status: z.string(),
  machineId: z.string(),
  computerDnsName: optionalText,
  creationDateTimeUtc: optionalText,
  lastUpdateDateTimeUtc: optionalText,
  // The list samples use this name instead.
  lastUpdateTimeUtc: optionalText,
  cancellationRequestor: optionalText,
  cancellationComment: optionalText,
  errorHResult: z.number().nullish(),
  relatedFileInfo: z
    .object({ fileIdentifier: optionalText, fileIdentifierType: optionalText })
    .nullish(),
});
export type MachineAction = z.infer<typeof machineActionSchema>;

/** A one-click action as Defender for Endpoint reports it, in domain words. */
export interface DeviceActionState {
  /** Defender's id for this request (the domain keeps it as `machineActionId`). */
  id: string;
  /** Undefined for Defender action types the bot does not run (scans, live response...). */
  kind: OneClickKind | undefined;
  deviceId: string;
  deviceName: string;
  status: Exclude<OneClickStatus, 'pending'>;
  /** True while Defender has not picked it up yet (still counts as in progress). */
  queued: boolean;
  failureReason?: string;
  /** Which of Defender's final statuses a failed action ended in (Failed, TimeOut, Cancelled). */
  ending?: 'failed' | 'timedOut' | 'cancelled';
  isolationType?: IsolationType;
  sha1?: string;
  requestedBy?: string;
  comment?: string;
  createdAt?: string;
  updatedAt?: string;
}

export function kindOfMachineAction(type: string): OneClickKind | undefined {
  const lower = type.toLowerCase();
  const entry = Object.entries(machineActionOf).find(([, v]) => v.type.toLowerCase() === lower);
  return entry?.[0] as OneClickKind | undefined;
}

/** Pending and InProgress are both "in progress" to the customer. */
export function isRunning(status: string): boolean {
  const lower = status.toLowerCase();
  return lower === 'pending' || lower === 'inprogress';
}

export function toDeviceActionState(raw: MachineAction): DeviceActionState {
  const status = raw.status.toLowerCase();
  const state: DeviceActionState = {
    id: raw.id,
    kind: kindOfMachineAction(raw.type),
    deviceId: raw.machineId,
    deviceName: raw.computerDnsName ?? raw.machineId,
    status: isRunning(status) ? 'inProgress' : status === 'succeeded' ? 'completed' : 'failed',
    queued: status === 'pending',
  };
  if (state.status === 'failed') {
    state.failureReason = failureReason(raw);
    state.ending =
      status === 'timeout' ? 'timedOut' : status === 'cancelled' ? 'cancelled' : 'failed';
  }
  const scope = raw.scope?.toLowerCase();
  if (scope === 'full' || scope === 'selective') state.isolationType = scope;
  const file = raw.relatedFileInfo;
  if (file?.fileIdentifier && (file.fileIdentifierType ?? 'sha1').toLowerCase() === 'sha1') {
    state.sha1 = file.fileIdentifier;
  }
  if (raw.requestor) state.requestedBy = raw.requestor;
  if (raw.requestorComment) state.comment = raw.requestorComment;
  if (raw.creationDateTimeUtc) state.createdAt = raw.creationDateTimeUtc;
  const updated = raw.lastUpdateDateTimeUtc ?? raw.lastUpdateTimeUtc;
  if (updated) state.updatedAt = updated;
  return state;
}

function failureReason(raw: MachineAction): string {
  switch (raw.status.toLowerCase()) {
    case 'timeout':
      return 'The device did not respond before Defender for Endpoint timed the action out.';
    case 'cancelled': {
      const by = raw.cancellationRequestor ? ` by ${raw.cancellationRequestor}` : '';
      const why = raw.cancellationComment ? `: ${raw.cancellationComment}` : '';
      return `The action was cancelled${by}${why}.`;
    }
    case 'failed': {
      // MachineAction has no failure text; errorHResult is all Defender gives.
      const code = raw.errorHResult ? ` (error ${hresult(raw.errorHResult)})` : '';
      return `Defender for Endpoint reported that the action failed on the device${code}.`;
    }
    default:
      return `Defender for Endpoint reported the status "${raw.status}".`;
  }
}

function hresult(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
