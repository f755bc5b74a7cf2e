// Machine actions and the device state they produce. Status is computed lazily from the creation
// time and the injected clock (Pending → InProgress → Succeeded | Failed on `timings`), so tests
// move an action along by moving the clock, with no timers to wait for.
//
// Failure reason: MDE's MachineAction has no field for why an action failed; the documented
// samples only carry `errorHResult` (0 on success). A failed action therefore answers
// `status: "Failed"` with a non-zero `errorHResult` (E_FAIL) and nothing undocumented; the fault's
// reason is kept emulator-side and shown only through the control API (`failureReason`).
//
// Devices that do not check in (healthStatus other than Active): MDE accepts the action (201) and
// it waits, Pending, for the device; an action that the device never picks up ends TimeOut. The
// docs do not say after how long: `offlineTimeoutMs` (default 3 days) is the emulator's choice.
//
// Seeded actions (automated investigation, the portal, before the emulator started) keep the
// status they were seeded with. The control view lists only the actions clients requested
// through the API unless asked for the seeded history too, so a test counts what its client did.
import { randomUUID } from 'node:crypto';
import type { DeviceRecord } from './emulator-state.ts';
import type { EmulatorMachineActionSeed } from './seed-schema.ts';

export const machineActionTypes = [
  'Isolate',
  'Unisolate',
  'RestrictCodeExecution',
  'UnrestrictCodeExecution',
  'StopAndQuarantineFile',
] as const;
export type MachineActionType = (typeof machineActionTypes)[number];

export type MachineActionStatus =
  'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'TimeOut' | 'Cancelled';

/** The documented MachineAction resource. */
export interface MachineAction {
  id: string;
  type: MachineActionType;
  title: string | null;
  requestor: string;
  requestorComment: string;
  status: MachineActionStatus;
  machineId: string;
  computerDnsName: string;
  creationDateTimeUtc: string;
  lastUpdateDateTimeUtc: string;
  cancellationRequestor: string | null;
  cancellationComment: string | null;
  cancellationDateTimeUtc: string | null;
  errorHResult: number;
  scope: string | null;
  externalId: string | null;
  requestSource: string;
  relatedFileInfo: { fileIdentifier: string; fileIdentifierType: 'Sha1' } | null;
  commands: never[];
  troubleshootInfo: null;
}

/** A machine action as the control API shows it: the resource plus the emulator's notes. */
export interface EmulatedMachineAction extends MachineAction {
  tenantId: string;
  /** Why a failActions fault made it fail; never sent over the MDE API (see file comment). */
  failureReason: string | null;
  /** `api`: requested by a client of this emulator; `seed`: history from the seed data. */
  source: 'api' | 'seed';
}

export interface ActionTimings {
  toInProgressMs: number;
  toFinalMs: number;
  /** An action for a device that does not check in times out after this long (default 3 days). */
  offlineTimeoutMs?: number;
}

export const DEFAULT_OFFLINE_TIMEOUT_MS = 3 * 24 * 60 * 60_000;

export interface NewMachineAction {
  tenantId: string;
  type: MachineActionType;
  device: DeviceRecord;
  requestor: string;
  comment: string;
  scope?: string | null;
  sha1?: string;
  /** Set when a failActions fault is active: the action will end Failed. */
  failureReason?: string | null;
}

interface ActionRecord {
  id: string;
  tenantId: string;
  type: MachineActionType;
  scope: string | null;
  requestor: string;
  comment: string;
  machineId: string;
  computerDnsName: string;
  createdAt: number;
  sha1: string | null;
  failureReason: string | null;
  cancellation: { requestor: string; comment: string; at: number } | null;
  /** The device did not check in when the action was created: Pending until TimeOut. */
  offline: boolean;
  /** Seeded history: this status, last changed at `at`. */
  fixed: { status: MachineActionStatus; at: number } | null;
  requestSource: string;
  source: 'api' | 'seed';
}

const E_FAIL = -2147467259;
const titles: Record<MachineActionType, string> = {
  Isolate: 'Isolate device',
  Unisolate: 'Release device from isolation',
  RestrictCodeExecution: 'Restrict app execution',
  UnrestrictCodeExecution: 'Remove app restriction',
  StopAndQuarantineFile: 'Stop and quarantine file',
};

export class MachineActionBook {
  private records: ActionRecord[] = [];

  constructor(
    private readonly timings: ActionTimings,
    private readonly now: () => Date,
  ) {}

  /** Forgets every action, then adds the seeded history of each tenant. */
  reset(
    seeds: { tenantId: string; actions: EmulatorMachineActionSeed[]; devices: DeviceRecord[] }[],
  ): void {
    this.records = [];
    for (const { tenantId, actions, devices } of seeds) {
      for (const seed of actions) this.addHistory(tenantId, seed, devices);
    }
  }

  /** Adds an action that happened outside this emulator's API (it keeps its seeded status). */
  addHistory(
    tenantId: string,
    seed: EmulatorMachineActionSeed,
    devices: DeviceRecord[],
  ): EmulatedMachineAction {
    const device = devices.find((d) => d.id.toLowerCase() === seed.machineId.toLowerCase());
    const createdAt = Date.parse(seed.creationDateTimeUtc);
    const record: ActionRecord = {
      id: seed.id ?? randomUUID(),
      tenantId,
      type: seed.type,
      scope: seed.scope ?? null,
      requestor: seed.requestor,
      comment: seed.requestorComment,
      machineId: device?.id ?? seed.machineId,
      computerDnsName: device?.computerDnsName ?? seed.machineId,
      createdAt,
      sha1: seed.sha1?.toLowerCase() ?? null,
      failureReason: null,
      cancellation: null,
      offline: false,
      fixed: {
        status: seed.status,
        at: seed.lastUpdateDateTimeUtc ? Date.parse(seed.lastUpdateDateTimeUtc) : createdAt,
      },
      requestSource: seed.requestSource ?? 'Portal',
      source: 'seed',
    };
    this.records.push(record);
    return { ...this.view(record), tenantId, failureReason: null, source: 'seed' };
  }

  create(input: NewMachineAction): MachineAction {
    const record: ActionRecord = {
      id: randomUUID(),
      tenantId: input.tenantId,
      type: input.type,
      scope: input.scope ?? null,
      requestor: input.requestor,
      comment: input.comment,
      machineId: input.device.id,
      computerDnsName: input.device.computerDnsName,
      createdAt: this.now().getTime(),
      sha1: input.sha1 ?? null,
      failureReason: input.failureReason ?? null,
      cancellation: null,
      offline: input.device.healthStatus.toLowerCase() !== 'active',
      fixed: null,
      requestSource: 'PublicApi',
      source: 'api',
    };
    this.records.push(record);
    return this.view(record);
  }

  get(tenantId: string, id: string): MachineAction | undefined {
    const record = this.find(tenantId, id);
    return record && this.view(record);
  }

  /** Newest first, as MDE lists them; the seeded history only with `includeSeeded`. */
  list(tenantId: string, options: { includeSeeded?: boolean } = {}): EmulatedMachineAction[] {
    return this.records
      .filter((r) => r.tenantId === tenantId && (options.includeSeeded || r.source === 'api'))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((r) => ({
        ...this.view(r),
        tenantId: r.tenantId,
        failureReason: r.failureReason,
        source: r.source,
      }));
  }

  /** The action of `type` on the device that is still Pending or InProgress, if any. */
  running(tenantId: string, machineId: string, type: MachineActionType): MachineAction | undefined {
    return this.list(tenantId, { includeSeeded: true }).find(
      (a) =>
        a.machineId === machineId &&
        a.type === type &&
        (a.status === 'Pending' || a.status === 'InProgress'),
    );
  }

  /** Cancels a running action; undefined when unknown, 'final' when it already finished. */
  cancel(
    tenantId: string,
    id: string,
    requestor: string,
    comment: string,
  ): MachineAction | 'final' | undefined {
    const record = this.find(tenantId, id);
    if (!record) return undefined;
    const status = this.view(record).status;
    if (status !== 'Pending' && status !== 'InProgress') return 'final';
    record.cancellation = { requestor, comment, at: this.now().getTime() };
    return this.view(record);
  }

  /** Device state from the actions that succeeded, replayed in completion order. */
  deviceState(tenantId: string, machineId: string) {
    const state = {
      isolationType: null as string | null,
      codeExecutionRestricted: false,
      quarantinedSha1s: [] as string[],
    };
    const done = this.records
      .filter((r) => r.tenantId === tenantId && r.machineId === machineId)
      .map((r) => ({ r, view: this.view(r) }))
      .filter(({ view }) => view.status === 'Succeeded')
      .sort((a, b) => a.r.createdAt - b.r.createdAt);
    for (const { r } of done) {
      if (r.type === 'Isolate') state.isolationType = r.scope ?? 'Full';
      if (r.type === 'Unisolate') state.isolationType = null;
      if (r.type === 'RestrictCodeExecution') state.codeExecutionRestricted = true;
      if (r.type === 'UnrestrictCodeExecution') state.codeExecutionRestricted = false;
      if (
        r.type === 'StopAndQuarantineFile' &&
        r.sha1 &&
        !state.quarantinedSha1s.includes(r.sha1)
      ) {
        state.quarantinedSha1s.push(r.sha1);
      }
    }
    return state;
  }

  private find(tenantId: string, id: string): ActionRecord | undefined {
    return this.records.find(
      (r) => r.tenantId === tenantId && r.id.toLowerCase() === id.toLowerCase(),
    );
  }

  private view(r: ActionRecord): MachineAction {
    const { status, changedAt } = this.statusOf(r);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: r.id,
      type: r.type,
      title: `${titles[r.type]} ${r.computerDnsName}`,
      requestor: r.requestor,
      requestorComment: r.comment,
      status,
      machineId: r.machineId,
      computerDnsName: r.computerDnsName,
      creationDateTimeUtc: iso(r.createdAt),
      lastUpdateDateTimeUtc: iso(changedAt),
      cancellationRequestor: r.cancellation?.requestor ?? null,
      cancellationComment: r.cancellation?.comment ?? null,
      cancellationDateTimeUtc: r.cancellation ? iso(r.cancellation.at) : null,
      errorHResult: status === 'Failed' ? E_FAIL : 0,
      scope: r.scope,
      externalId: null,
      requestSource: r.requestSource,
      relatedFileInfo: r.sha1 ? { fileIdentifier: r.sha1, fileIdentifierType: 'Sha1' } : null,
      commands: [],
      troubleshootInfo: null,
    };
  }

  private statusOf(r: ActionRecord): { status: MachineActionStatus; changedAt: number } {
    const inProgressAt = r.createdAt + this.timings.toInProgressMs;
    const finalAt = r.createdAt + this.timings.toFinalMs;
    // cancel() accepts only running actions, so a cancellation always predates the final state.
    if (r.cancellation) {
      return { status: 'Cancelled', changedAt: r.cancellation.at };
    }
    if (r.fixed) return { status: r.fixed.status, changedAt: r.fixed.at };
    const t = this.now().getTime();
    if (r.offline) {
      const timeoutAt = r.createdAt + (this.timings.offlineTimeoutMs ?? DEFAULT_OFFLINE_TIMEOUT_MS);
      return t >= timeoutAt
        ? { status: 'TimeOut', changedAt: timeoutAt }
        : { status: 'Pending', changedAt: r.createdAt };
    }
    if (t >= finalAt) {
      return { status: r.failureReason !== null ? 'Failed' : 'Succeeded', changedAt: finalAt };
    }
    if (t >= inProgressAt) return { status: 'InProgress', changedAt: inProgressAt };
    return { status: 'Pending', changedAt: r.createdAt };
  }
}
