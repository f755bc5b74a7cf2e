// Defender for Endpoint response actions on devices for one customer tenant: start a one-click
// action, read its state, list a device's actions, find one already running, cancel.
import { z } from 'zod';
import { InvalidInputError } from '../domain/errors.ts';
import type { IsolationType, OneClickKind } from '../domain/response-action.ts';
import type { DefenderHttpClient } from './defender-http-client.ts';
import { ActionAlreadyPendingError, DefenderRequestError } from './errors.ts';
import {
  machineActionOf,
  machineActionSchema,
  toDeviceActionState,
  type DeviceActionState,
} from './machine-action-mapper.ts';

const READ_PERMISSION = 'Machine.Read.All';
const permissionOf: Record<OneClickKind, string> = {
  isolateDevice: 'Machine.Isolate',
  releaseFromIsolation: 'Machine.Isolate',
  restrictAppExecution: 'Machine.RestrictExecution',
  removeAppRestriction: 'Machine.RestrictExecution',
  quarantineFile: 'Machine.StopAndQuarantine',
};

const listSchema = z.object({
  value: z.array(machineActionSchema),
  '@odata.nextLink': z.string().nullish(),
});

export interface RunDeviceActionRequest {
  kind: OneClickKind;
  deviceId: string;
  /**
   * Shown in Defender's action center. Also the idempotency key: when Defender says an action of
   * this kind is already running and that action carries the same comment, it is this request
   * (e.g. an earlier attempt that timed out) and is returned instead of an error. So make it
   * unique per response action (include the action id).
   */
  comment: string;
  /** isolateDevice only; Defender's default is full isolation. */
  isolationType?: IsolationType;
  /** quarantineFile only (required there). */
  sha1?: string;
}

/** How an attempt of ours is recognised in Defender's list (see machineActionComment). */
export interface AttemptMarker {
  /** The start of the comment the attempt was requested with. */
  marker: string;
  /** Only actions created since then count (the attempt's start, minus a margin for skew). */
  since?: Date;
}

export class MachineActionsClient {
  constructor(
    private readonly http: DefenderHttpClient,
    readonly tenantId: string,
  ) {}

  /** `signal`: abandons the call (a wait for the rate limit, a retry, the request) when aborted. */
  async runAction(
    request: RunDeviceActionRequest,
    signal?: AbortSignal,
  ): Promise<DeviceActionState> {
    const { kind, deviceId } = request;
    const { endpoint } = machineActionOf[kind];
    try {
      const raw = await this.http.send({
        method: 'POST',
        path: `/api/machines/${encodeURIComponent(deviceId)}/${endpoint}`,
        body: actionBody(request),
        schema: machineActionSchema,
        permission: permissionOf[kind],
        notFound: { entity: 'device', id: deviceId },
        ...(signal && { signal }),
      });
      return toDeviceActionState(raw);
    } catch (error) {
      if (!isAlreadyPending(error)) throw error;
      const pending = await this.findPendingAction(deviceId, kind, undefined, signal);
      if (pending && pending.comment === request.comment) return pending;
      throw new ActionAlreadyPendingError(
        deviceId,
        `A "${kind}" action is already in progress on device ${pending?.deviceName ?? deviceId}.`,
        pending?.id,
      );
    }
  }

  async getAction(actionId: string, signal?: AbortSignal): Promise<DeviceActionState> {
    const raw = await this.http.send({
      method: 'GET',
      path: `/api/machineactions/${encodeURIComponent(actionId)}`,
      schema: machineActionSchema,
      permission: READ_PERMISSION,
      notFound: { entity: 'response action', id: actionId },
      ...(signal && { signal }),
    });
    return toDeviceActionState(raw);
  }

  /** Every action on the device that Defender lists (newest first), any type. */
  async listDeviceActions(deviceId: string, signal?: AbortSignal): Promise<DeviceActionState[]> {
    return this.#list(`machineId eq ${odataString(deviceId)}`, signal);
  }

  /**
   * The machine action to follow instead of starting one. With `attempt`: Defender's record of
   * that attempt whatever its status (Pending, InProgress, Succeeded, Failed, TimeOut,
   * Cancelled), recognised by the marker its comment starts with and created since
   * `attempt.since`, so a request Defender took before a crash is adopted even when it finished
   * while the bot was down. Otherwise, or when there is none: the action of the same kind still
   * Pending or InProgress on the device, e.g. one started by automated investigation and
   * response or by someone in the Defender portal.
   */
  async findPendingAction(
    deviceId: string,
    kind: OneClickKind,
    attempt?: AttemptMarker,
    signal?: AbortSignal,
  ): Promise<DeviceActionState | undefined> {
    const type = machineActionOf[kind].type;
    const filter = `machineId eq ${odataString(deviceId)} and type eq ${odataString(type)}`;
    const actions = (await this.#list(filter, signal)).filter((a) => a.kind === kind);
    const since = attempt?.since?.getTime();
    const ours =
      attempt &&
      actions.find(
        (a) =>
          a.comment?.startsWith(attempt.marker) === true &&
          (since === undefined || a.createdAt === undefined || Date.parse(a.createdAt) >= since),
      );
    return ours ?? actions.find((a) => a.status === 'inProgress');
  }

  async #list(filter: string, signal?: AbortSignal): Promise<DeviceActionState[]> {
    const actions: DeviceActionState[] = [];
    let nextLink: string | undefined;
    do {
      const page = await this.http.send({
        method: 'GET',
        path: nextLink ?? '/api/machineactions',
        query: nextLink === undefined ? { $filter: filter } : {},
        schema: listSchema,
        permission: READ_PERMISSION,
        ...(signal && { signal }),
      });
      actions.push(...page.value.map(toDeviceActionState));
      nextLink = page['@odata.nextLink'] ?? undefined;
    } while (nextLink !== undefined);
    return actions;
  }

  async cancelAction(actionId: string, comment: string): Promise<DeviceActionState> {
    requireText(comment, 'A comment is required to cancel a response action.');
    const raw = await this.http.send({
      method: 'POST',
      path: `/api/machineactions/${encodeURIComponent(actionId)}/cancel`,
      body: { Comment: comment },
      schema: machineActionSchema,
      permission: 'Machine.Isolate, Machine.RestrictExecution or Machine.StopAndQuarantine',
      notFound: { entity: 'response action', id: actionId },
    });
    return toDeviceActionState(raw);
  }
}

/** Defender's body; parameter names are case-sensitive. */
function actionBody(request: RunDeviceActionRequest): Record<string, string> {
  requireText(request.comment, 'A comment is required for a response action.');
  requireText(request.deviceId, 'A device id is required for a response action.');
  switch (request.kind) {
    case 'isolateDevice':
      return {
        Comment: request.comment,
        IsolationType: request.isolationType === 'selective' ? 'Selective' : 'Full',
      };
    case 'quarantineFile':
      if (!request.sha1 || !/^[0-9a-f]{40}$/i.test(request.sha1)) {
        throw new InvalidInputError(
          'Quarantining a file needs the SHA-1 of the file (40 hex digits).',
        );
      }
      return { Comment: request.comment, Sha1: request.sha1 };
    case 'releaseFromIsolation':
    case 'restrictAppExecution':
    case 'removeAppRestriction':
      return { Comment: request.comment };
  }
}

function isAlreadyPending(error: unknown): boolean {
  return (
    error instanceof DefenderRequestError &&
    error.status === 400 &&
    (/already in progress/i.test(error.message) || error.code === 'ActiveRequestAlreadyExists')
  );
}

function requireText(value: string, message: string): void {
  if (value.trim() === '') throw new InvalidInputError(message);
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
