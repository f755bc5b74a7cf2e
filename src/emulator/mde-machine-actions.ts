// Defender for Endpoint machine APIs: the five response actions (201 + MachineAction), reading and
// listing actions, cancel, and machines with their emulated isolation state. Body parameter
// names are case-sensitive as in MDE: `{"comment": …}` is an InvalidRequestBody, not a Comment.
import { z } from 'zod';
import type { DeviceRecord, EmulatorState } from './emulator-state.ts';
import type { FaultInjector } from './faults.ts';
import { callerOf, HttpError, readJsonBody, type Route, type RouteContext } from './http-kit.ts';
import type { MachineAction, MachineActionBook, MachineActionType } from './machine-actions.ts';
import { compileFilter, parseCount, type FilterFields } from './odata-filter.ts';

const MDE_MAX_PAGE = 10_000;

/** Maps zod issues to MDE's error codes: unknown names vs missing required parameters. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  // A wrongly cased name is reported as unknown rather than as the missing parameter it hides.
  const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown) {
    throw new HttpError(
      400,
      'InvalidRequestBody',
      `Request body is invalid: unknown parameter(s) ${unknown.keys.map((k) => `'${k}'`).join(', ')} (parameter names are case-sensitive).`,
    );
  }
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? '');
  if (issue?.code === 'invalid_type' && issue.input === undefined) {
    throw new HttpError(400, 'MissingRequiredParameter', `Parameter ${name} is missing.`);
  }
  throw new HttpError(400, 'InvalidRequestBody', `Invalid value for parameter ${name}.`);
}

const comment = z.string().trim().min(1);
const commentOnly = z.strictObject({ Comment: comment });
const isolateBody = z.strictObject({ Comment: comment, IsolationType: z.string().optional() });
const isolationTypes = ['Full', 'Selective', 'UnManagedDevice'];
const quarantineBody = z.strictObject({ Comment: comment, Sha1: z.string() });

const isWindows = (device: DeviceRecord) => /^windows/i.test(device.osPlatform);

function notSupported(device: DeviceRecord, action: string): HttpError {
  return new HttpError(
    400,
    'OsPlatformNotSupported',
    `${action} is not supported on ${device.osPlatform} (device ${device.computerDnsName}).`,
  );
}

interface ActionSpec {
  path: string;
  type: MachineActionType;
  /** Validates the body and device; returns scope and file of the new action. */
  prepare(body: unknown, device: DeviceRecord): { comment: string; scope?: string; sha1?: string };
}

const actionSpecs: ActionSpec[] = [
  {
    path: 'isolate',
    type: 'Isolate',
    prepare: (body, device) => {
      const { Comment, IsolationType: raw = 'Full' } = parseBody(isolateBody, body);
      const scope = isolationTypes.find((t) => t.toLowerCase() === raw.toLowerCase());
      if (!scope) {
        throw new HttpError(400, 'InvalidInput', `Invalid input IsolationType '${raw}'.`);
      }
      if (scope === 'Selective' && !isWindows(device)) {
        throw notSupported(device, 'Selective isolation');
      }
      return { comment: Comment, scope };
    },
  },
  {
    path: 'unisolate',
    type: 'Unisolate',
    prepare: (body) => ({ comment: parseBody(commentOnly, body).Comment }),
  },
  {
    path: 'restrictCodeExecution',
    type: 'RestrictCodeExecution',
    prepare: (body, device) => {
      const { Comment } = parseBody(commentOnly, body);
      if (!isWindows(device)) throw notSupported(device, 'Restrict app execution');
      return { comment: Comment };
    },
  },
  {
    path: 'unrestrictCodeExecution',
    type: 'UnrestrictCodeExecution',
    prepare: (body, device) => {
      const { Comment } = parseBody(commentOnly, body);
      if (!isWindows(device)) throw notSupported(device, 'Remove app restriction');
      return { comment: Comment };
    },
  },
  {
    path: 'StopAndQuarantineFile',
    type: 'StopAndQuarantineFile',
    prepare: (body, device) => {
      const { Comment, Sha1 } = parseBody(quarantineBody, body);
      if (!/^[0-9a-f]{40}$/i.test(Sha1)) {
        throw new HttpError(400, 'InvalidHashValue', `Hash value ${Sha1} is invalid.`);
      }
      if (!isWindows(device)) throw notSupported(device, 'Stop and quarantine file');
      return { comment: Comment, sha1: Sha1.toLowerCase() };
    },
  },
];

const actionFilterFields: FilterFields<MachineAction> = {
  id: { kind: 'string', get: (a) => a.id },
  status: { kind: 'string', get: (a) => a.status },
  machineId: { kind: 'string', get: (a) => a.machineId },
  type: { kind: 'string', get: (a) => a.type },
  requestor: { kind: 'string', get: (a) => a.requestor },
  creationDateTimeUtc: { kind: 'datetime', get: (a) => a.creationDateTimeUtc },
  lastUpdateDateTimeUtc: { kind: 'datetime', get: (a) => a.lastUpdateDateTimeUtc },
};

const machineFilterFields: FilterFields<DeviceRecord> = {
  id: { kind: 'string', get: (d) => d.id },
  computerDnsName: { kind: 'string', get: (d) => d.computerDnsName },
  osPlatform: { kind: 'string', get: (d) => d.osPlatform },
  healthStatus: { kind: 'string', get: (d) => d.healthStatus },
};

function page<T>(ctx: RouteContext, items: T[], fields: FilterFields<T>): T[] {
  const q = ctx.url.searchParams;
  const filter = q.get('$filter');
  const matched = filter === null ? items : items.filter(compileFilter(filter, fields));
  const top = Math.min(parseCount(q.get('$top'), '$top', MDE_MAX_PAGE), MDE_MAX_PAGE);
  const skip = parseCount(q.get('$skip'), '$skip', 0);
  return matched.slice(skip, skip + top);
}

export function mdeRoutes(deps: {
  state: EmulatorState;
  actions: MachineActionBook;
  faults: FaultInjector;
  mdeBaseUrl: () => string;
  logger?: { warn(obj: object, msg?: string): void };
}): Route[] {
  const { state, actions, faults, mdeBaseUrl, logger } = deps;
  const context = (suffix: string) => `${mdeBaseUrl()}/api/$metadata#${suffix}`;
  const requireDevice = (ctx: RouteContext): DeviceRecord => {
    const id = ctx.params.id ?? '';
    const device = state.getDevice(callerOf(ctx).tenantId, id);
    if (!device) throw new HttpError(404, 'ResourceNotFound', `Machine ${id} was not found.`);
    return device;
  };
  const presentMachine = (tenantId: string, device: DeviceRecord) => {
    const s = actions.deviceState(tenantId, device.id);
    return {
      onboardingStatus: 'Onboarded',
      riskScore: 'Medium',
      exposureLevel: 'Medium',
      machineTags: [],
      ...device,
      // Not part of MDE's Machine resource (MDE shows isolation only in its portal): the
      // emulator's own view of what the actions did, for tests and demos. Clients must not read it.
      emulator: {
        isolationType: s.isolationType,
        isolated: s.isolationType !== null,
        codeExecutionRestricted: s.codeExecutionRestricted,
        quarantinedSha1s: s.quarantinedSha1s,
      },
    };
  };

  const actionRoutes: Route[] = actionSpecs.map((spec) => ({
    method: 'POST',
    pattern: `/mde/api/machines/{id}/${spec.path}`,
    area: 'mde',
    handle: async (ctx) => {
      const caller = callerOf(ctx);
      const body = await readJsonBody(ctx, 'InvalidRequestBody');
      const device = requireDevice(ctx);
      const { comment, scope, sha1 } = spec.prepare(body, device);
      if (actions.running(caller.tenantId, device.id, spec.type)) {
        throw new HttpError(400, 'BadRequest', 'Action is already in progress');
      }
      const failureReason = faults.takeActionFailure();
      if (failureReason !== null) {
        logger?.warn(
          { type: spec.type, machineId: device.id, failureReason },
          'emulator: action will fail',
        );
      }
      const action = actions.create({
        tenantId: caller.tenantId,
        type: spec.type,
        device,
        requestor: caller.appDisplayName,
        comment,
        scope: scope ?? null,
        ...(sha1 === undefined ? {} : { sha1 }),
        failureReason,
      });
      return {
        status: 201,
        body: { '@odata.context': context('MachineActions/$entity'), ...action },
      };
    },
  }));

  const getAction: Route = {
    method: 'GET',
    pattern: '/mde/api/machineactions/{id}',
    area: 'mde',
    handle: (ctx) => {
      const id = ctx.params.id ?? '';
      const action = actions.get(callerOf(ctx).tenantId, id);
      if (!action)
        throw new HttpError(404, 'ResourceNotFound', `Machine action ${id} was not found.`);
      return {
        status: 200,
        body: { '@odata.context': context('MachineActions/$entity'), ...action },
      };
    },
  };

  const listActions: Route = {
    method: 'GET',
    pattern: '/mde/api/machineactions',
    area: 'mde',
    handle: (ctx) => {
      // The control view carries emulator-only fields; strip them from the API answer.
      const all: MachineAction[] = actions
        .list(callerOf(ctx).tenantId)
        .map(({ tenantId: _t, failureReason: _f, ...action }) => action);
      return {
        status: 200,
        body: {
          '@odata.context': context('MachineActions'),
          value: page(ctx, all, actionFilterFields),
        },
      };
    },
  };

  const cancel: Route = {
    method: 'POST',
    pattern: '/mde/api/machineactions/{id}/cancel',
    area: 'mde',
    handle: async (ctx) => {
      const caller = callerOf(ctx);
      const { Comment } = parseBody(commentOnly, await readJsonBody(ctx, 'InvalidRequestBody'));
      const id = ctx.params.id ?? '';
      const result = actions.cancel(caller.tenantId, id, caller.appDisplayName, Comment);
      if (result === undefined) {
        throw new HttpError(404, 'ResourceNotFound', `Machine action ${id} was not found.`);
      }
      if (result === 'final') {
        throw new HttpError(
          400,
          'BadRequest',
          `Machine action ${id} has already completed and cannot be cancelled.`,
        );
      }
      return {
        status: 200,
        body: { '@odata.context': context('MachineActions/$entity'), ...result },
      };
    },
  };

  const getMachine: Route = {
    method: 'GET',
    pattern: '/mde/api/machines/{id}',
    area: 'mde',
    handle: (ctx) => ({
      status: 200,
      body: {
        '@odata.context': context('Machines/$entity'),
        ...presentMachine(callerOf(ctx).tenantId, requireDevice(ctx)),
      },
    }),
  };

  const listMachines: Route = {
    method: 'GET',
    pattern: '/mde/api/machines',
    area: 'mde',
    handle: (ctx) => {
      const tenantId = callerOf(ctx).tenantId;
      const devices = page(ctx, state.listDevices(tenantId), machineFilterFields);
      return {
        status: 200,
        body: {
          '@odata.context': context('Machines'),
          value: devices.map((d) => presentMachine(tenantId, d)),
        },
      };
    },
  };

  return [...actionRoutes, getAction, listActions, cancel, getMachine, listMachines];
}
