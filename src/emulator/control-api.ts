// The emulator's control surface: what tests and the demo use to play the experts' side (move
// incidents, comment), seed incidents, devices and earlier machine actions, shape each tenant's
// directory, Teams and granted roles (control-directory.ts), inject faults, read request
// statistics and reset everything to the seed. Available in-process (`EmulatorControl`) and as
// unauthenticated JSON under `/_emulator/…` on the emulator's own listener; both run the same code.
import { z } from 'zod';
import {
  createDirectoryControl,
  directoryControlRoutes,
  type DirectoryControl,
} from './control-directory.ts';
import type { DeviceRecord, EmulatorState, GraphIncident } from './emulator-state.ts';
import { faultSchema, type ActiveFault, type EmulatorFault, type FaultInjector } from './faults.ts';
import { HttpError, readJsonBody, type Route } from './http-kit.ts';
import type { EmulatedMachineAction, MachineActionBook } from './machine-actions.ts';
import type { EmulatorStats, RequestStats } from './request-stats.ts';
import {
  machineActionSeedSchema,
  type AlertComment,
  type EmulatorDeviceSeed,
  type EmulatorIncidentSeed,
  type EmulatorMachineActionSeed,
} from './seed-schema.ts';

/** Author of comments added through the control API unless another is given. */
export const EXPERTS_DISPLAY_NAME = 'Defender Experts';

/** The fields an incident update may carry (Graph PATCH body); enum values case-insensitive. */
export interface IncidentPatchInput {
  assignedTo?: string | null;
  classification?: string;
  determination?: string;
  status?: string;
  customTags?: string[];
}

export interface EmulatorControl extends DirectoryControl {
  injectFault(fault: EmulatorFault): void;
  clearFaults(): void;
  listFaults(): ActiveFault[];
  listTenants(): { tenantId: string; name: string }[];
  /** A copy of the stored incident (with alerts; `awaitingAction` as is). */
  getIncident(tenantId: string, id: string): GraphIncident | undefined;
  listIncidents(tenantId: string): GraphIncident[];
  /** Graph PATCH semantics, as the experts: may also set `awaitingAction`. Throws HttpError. */
  patchIncident(tenantId: string, id: string, patch: IncidentPatchInput): GraphIncident;
  addComment(tenantId: string, id: string, comment: string, author?: string): AlertComment[];
  upsertIncident(tenantId: string, seed: EmulatorIncidentSeed): GraphIncident;
  /** Creates or replaces an MDE device (Machine resource shape). */
  upsertDevice(tenantId: string, seed: EmulatorDeviceSeed): DeviceRecord;
  /**
   * The machine actions clients requested through the MDE API, newest first; with
   * `includeSeeded` also the history from the seed and addMachineAction (which the MDE API lists).
   */
  listMachineActions(
    tenantId: string,
    options?: { includeSeeded?: boolean },
  ): EmulatedMachineAction[];
  /** Records an action taken outside the API (automated investigation, the portal…). */
  addMachineAction(tenantId: string, seed: EmulatorMachineActionSeed): EmulatedMachineAction;
  stats(): EmulatorStats;
  resetStats(): void;
  /** Everything back to the seed: incidents, devices, actions, directory, Teams, mail, roles, faults, stats. */
  reset(): void;
}

export function createControl(deps: {
  state: EmulatorState;
  faults: FaultInjector;
  actions: MachineActionBook;
  stats: RequestStats;
  now: () => Date;
}): EmulatorControl {
  const { state, faults, actions, stats, now } = deps;
  return {
    ...createDirectoryControl(state, now),
    injectFault: (fault) => void faults.inject(fault),
    clearFaults: () => faults.clear(),
    listFaults: () => faults.list(),
    listTenants: () => state.listTenants(),
    getIncident: (tenantId, id) => {
      const incident = state.getIncident(tenantId, id);
      return incident && structuredClone(incident);
    },
    listIncidents: (tenantId) => structuredClone(state.listIncidents(tenantId)),
    patchIncident: (tenantId, id, patch) =>
      structuredClone(state.patchIncident(tenantId, id, patch, { asExperts: true })),
    addComment: (tenantId, id, comment, author = EXPERTS_DISPLAY_NAME) =>
      structuredClone(state.addComment(tenantId, id, comment, author)),
    upsertIncident: (tenantId, seed) => structuredClone(state.upsertIncident(tenantId, seed)),
    upsertDevice: (tenantId, seed) => structuredClone(state.upsertDevice(tenantId, seed)),
    listMachineActions: (tenantId, options) => actions.list(tenantId.toLowerCase(), options),
    addMachineAction: (tenantId, raw) => {
      const tenant = state.requireTenant(tenantId);
      const parsed = machineActionSeedSchema.safeParse(raw);
      if (!parsed.success) {
        throw new HttpError(400, 'BadRequest', `Invalid machine action: ${parsed.error.message}`);
      }
      if (!tenant.devices.has(parsed.data.machineId.toLowerCase())) {
        throw new HttpError(404, 'NotFound', `Machine ${parsed.data.machineId} is not seeded.`);
      }
      return actions.addHistory(tenant.tenantId, parsed.data, [...tenant.devices.values()]);
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    reset: () => {
      state.reset();
      actions.reset(state.actionSeeds());
      faults.clear();
      stats.reset();
    },
  };
}

const commentBody = z.object({
  comment: z.string().trim().min(1),
  createdByDisplayName: z.string().min(1).optional(),
});

export function controlRoutes(control: EmulatorControl): Route[] {
  const base = '/_emulator';
  const tenantBase = `${base}/tenants/{tenantId}`;
  const route = (method: string, pattern: string, handle: Route['handle']): Route => ({
    method,
    pattern,
    area: 'control',
    handle,
  });
  const tenantOf = (params: Record<string, string>) => params.tenantId ?? '';
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new HttpError(404, 'NotFound', `${what} was not found.`);
    return value;
  };

  return [
    route('GET', `${base}/faults`, () => ({ status: 200, body: { value: control.listFaults() } })),
    route('POST', `${base}/faults`, async (ctx) => {
      const parsed = faultSchema.safeParse(await readJsonBody(ctx, 'BadRequest'));
      if (!parsed.success) throw new HttpError(400, 'BadRequest', parsed.error.message);
      control.injectFault(parsed.data);
      return { status: 201, body: { value: control.listFaults() } };
    }),
    route('DELETE', `${base}/faults`, () => {
      control.clearFaults();
      return { status: 204 };
    }),
    route('GET', `${base}/stats`, () => ({ status: 200, body: control.stats() })),
    route('DELETE', `${base}/stats`, () => {
      control.resetStats();
      return { status: 204 };
    }),
    route('GET', `${base}/tenants`, () => ({
      status: 200,
      body: { value: control.listTenants() },
    })),
    route('GET', `${tenantBase}/incidents`, ({ params }) => ({
      status: 200,
      body: { value: control.listIncidents(tenantOf(params)) },
    })),
    route('POST', `${tenantBase}/incidents`, async (ctx) => {
      const seed = await readJsonBody(ctx, 'BadRequest');
      const existed = control.getIncident(
        tenantOf(ctx.params),
        String((seed as { id?: unknown }).id),
      );
      const incident = control.upsertIncident(tenantOf(ctx.params), seed as EmulatorIncidentSeed);
      return { status: existed ? 200 : 201, body: incident };
    }),
    route('GET', `${tenantBase}/incidents/{id}`, ({ params }) => ({
      status: 200,
      body: found(control.getIncident(tenantOf(params), params.id ?? ''), 'Incident'),
    })),
    route('PATCH', `${tenantBase}/incidents/{id}`, async (ctx) => ({
      status: 200,
      body: control.patchIncident(
        tenantOf(ctx.params),
        ctx.params.id ?? '',
        (await readJsonBody(ctx, 'BadRequest')) as IncidentPatchInput,
      ),
    })),
    route('POST', `${tenantBase}/incidents/{id}/comments`, async (ctx) => {
      const parsed = commentBody.safeParse(await readJsonBody(ctx, 'BadRequest'));
      if (!parsed.success)
        throw new HttpError(400, 'BadRequest', "A non-empty 'comment' is required.");
      const { comment, createdByDisplayName } = parsed.data;
      return {
        status: 200,
        body: {
          value: control.addComment(
            tenantOf(ctx.params),
            ctx.params.id ?? '',
            comment,
            createdByDisplayName,
          ),
        },
      };
    }),
    route('GET', `${tenantBase}/machineactions`, ({ params, url }) => ({
      status: 200,
      body: {
        value: control.listMachineActions(tenantOf(params), {
          includeSeeded: /^true$/i.test(url.searchParams.get('includeSeeded') ?? ''),
        }),
      },
    })),
    route('POST', `${tenantBase}/machineactions`, async (ctx) => ({
      status: 201,
      body: control.addMachineAction(
        tenantOf(ctx.params),
        (await readJsonBody(ctx, 'BadRequest')) as EmulatorMachineActionSeed,
      ),
    })),
    route('PUT', `${tenantBase}/machines/{id}`, async (ctx) => {
      const body = await readJsonBody(ctx, 'BadRequest');
      const seed = { ...(body as object), id: ctx.params.id ?? '' } as EmulatorDeviceSeed;
      return { status: 200, body: control.upsertDevice(tenantOf(ctx.params), seed) };
    }),
    route('POST', `${base}/reset`, () => {
      control.reset();
      return { status: 204 };
    }),
    ...directoryControlRoutes(control),
  ];
}
