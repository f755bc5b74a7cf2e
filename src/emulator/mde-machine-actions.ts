// Defender for Endpoint machine actions: the five response actions ("Isolate machine",
// "Release device from isolation", "Restrict app execution", "Remove app restriction", "Stop and
// quarantine file": 201 + MachineAction), "Get machineAction", "List MachineActions" ($filter on
// id, status, machineId, type, requestor, creationDateTimeUtc; $top ≤ 10,000; $skip) and "Cancel
// machine action". Body parameter names are case-sensitive as in MDE (common-errors):
// `{"comment": …}` is an InvalidRequestBody, not a Comment.
//
// `$orderby` is not on the List MachineActions page, but MDE is an OData V4 service and public
// tooling commonly sends `$orderby=creationDateTimeUtc desc`; it is accepted on
// creationDateTimeUtc and lastUpdateDateTimeUtc. Without it the list is newest first.
import { z } from 'zod';
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import type { DeviceRecord, EmulatorState } from './emulator-state.ts';
import type { FaultInjector } from './faults.ts';
import { callerOf, HttpError, readJsonBody, type Route } from './http-kit.ts';
import type { MachineAction, MachineActionBook, MachineActionType } from './machine-actions.ts';
import { checkActionSupported, type IsolationScope } from './mde-action-rules.ts';
import { requireDevice } from './mde-machines.ts';
import { mdePage, type SortKeys } from './mde-query.ts';
import type { FilterFields } from './odata-filter.ts';

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
const isolationTypes: IsolationScope[] = ['Full', 'Selective', 'UnManagedDevice'];
const quarantineBody = z.strictObject({ Comment: comment, Sha1: z.string() });

interface ActionSpec {
  path: string;
  type: MachineActionType;
  /** The tenant must grant one of these (and all of `alsoNeeds`). */
  roles: readonly string[];
  alsoNeeds?: readonly string[];
  /** Validates the body and device; returns scope and file of the new action. */
  prepare(body: unknown, device: DeviceRecord): { comment: string; scope?: string; sha1?: string };
}

const simple = (path: string, type: MachineActionType, roles: readonly string[]): ActionSpec => ({
  path,
  type,
  roles,
  prepare: (body, device) => {
    const { Comment } = parseBody(commentOnly, body);
    checkActionSupported(device, type);
    return { comment: Comment };
  },
});

const actionSpecs: ActionSpec[] = [
  {
    path: 'isolate',
    type: 'Isolate',
    roles: ROLES.isolate,
    prepare: (body, device) => {
      const { Comment, IsolationType: raw = 'Full' } = parseBody(isolateBody, body);
      const scope = isolationTypes.find((t) => t.toLowerCase() === raw.toLowerCase());
      if (!scope) {
        throw new HttpError(400, 'InvalidInput', `Invalid input IsolationType '${raw}'.`);
      }
      checkActionSupported(device, 'Isolate', scope);
      return { comment: Comment, scope };
    },
  },
  simple('unisolate', 'Unisolate', ROLES.isolate),
  simple('restrictCodeExecution', 'RestrictCodeExecution', ROLES.restrict),
  simple('unrestrictCodeExecution', 'UnrestrictCodeExecution', ROLES.restrict),
  {
    path: 'StopAndQuarantineFile',
    type: 'StopAndQuarantineFile',
    roles: ROLES.quarantine,
    // The page lists Machine.StopAndQuarantine; MDE also wants a machine read role
    // (MicrosoftDocs/microsoft-365-docs#6055 quotes both refusals).
    alsoNeeds: ROLES.machinesRead,
    prepare: (body, device) => {
      const { Comment, Sha1 } = parseBody(quarantineBody, body);
      if (!/^[0-9a-f]{40}$/i.test(Sha1)) {
        throw new HttpError(400, 'InvalidHashValue', `Hash value ${Sha1} is invalid.`);
      }
      checkActionSupported(device, 'StopAndQuarantineFile');
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

const actionSortKeys: SortKeys<MachineAction> = {
  creationDateTimeUtc: (a) => Date.parse(a.creationDateTimeUtc),
  lastUpdateDateTimeUtc: (a) => Date.parse(a.lastUpdateDateTimeUtc),
};

export function mdeRoutes(deps: {
  state: EmulatorState;
  actions: MachineActionBook;
  faults: FaultInjector;
  mdeBaseUrl: () => string;
  logger?: { warn(obj: object, msg?: string): void };
}): Route[] {
  const { state, actions, faults, mdeBaseUrl, logger } = deps;
  const context = (suffix: string) => `${mdeBaseUrl()}/api/$metadata#${suffix}`;

  const actionRoutes: Route[] = actionSpecs.map((spec) => ({
    method: 'POST',
    pattern: `/mde/api/machines/{id}/${spec.path}`,
    area: 'mde',
    handle: async (ctx) => {
      const caller = callerOf(ctx);
      const grants = grantsOf(state, ctx);
      requireAnyRole(grants, spec.roles, 'mde');
      if (spec.alsoNeeds) requireAnyRole(grants, spec.alsoNeeds, 'mde');
      const body = await readJsonBody(ctx, 'InvalidRequestBody');
      const device = requireDevice(state, ctx);
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
      requireAnyRole(grantsOf(state, ctx), ROLES.machinesRead, 'mde');
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
      requireAnyRole(grantsOf(state, ctx), ROLES.machinesRead, 'mde');
      // The control view carries emulator-only fields; strip them from the API answer.
      const all: MachineAction[] = actions
        .list(callerOf(ctx).tenantId, { includeSeeded: true })
        .map(({ tenantId: _t, failureReason: _f, source: _s, ...action }) => action);
      return {
        status: 200,
        body: {
          '@odata.context': context('MachineActions'),
          value: mdePage(ctx, all, actionFilterFields, actionSortKeys),
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
      requireAnyRole(grantsOf(state, ctx), ROLES.cancel, 'mde');
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

  return [...actionRoutes, getAction, listActions, cancel];
}
