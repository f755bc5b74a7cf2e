// The emulator's control surface: what tests and the demo use to play the experts' side (move
// incidents, comment), seed incidents, inject faults and read request statistics. Available
// in-process (`EmulatorControl`) and as unauthenticated JSON under `/_emulator/…` on the
// emulator's own listener; both run the same code.
import { z } from 'zod';
import type { EmulatorState, GraphIncident } from './emulator-state.ts';
import { faultSchema, type ActiveFault, type EmulatorFault, type FaultInjector } from './faults.ts';
import { HttpError, readJsonBody, type Route } from './http-kit.ts';
import type { EmulatedMachineAction, MachineActionBook } from './machine-actions.ts';
import type { EmulatorStats, RequestStats } from './request-stats.ts';
import type { AlertComment, EmulatorIncidentSeed } from './seed-schema.ts';

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

export interface EmulatorControl {
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
  listMachineActions(tenantId: string): EmulatedMachineAction[];
  stats(): EmulatorStats;
  resetStats(): void;
}

export function createControl(deps: {
  state: EmulatorState;
  faults: FaultInjector;
  actions: MachineActionBook;
  stats: RequestStats;
}): EmulatorControl {
  const { state, faults, actions, stats } = deps;
  return {
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
    listMachineActions: (tenantId) => actions.list(tenantId.toLowerCase()),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
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
    route('GET', `${tenantBase}/machineactions`, ({ params }) => ({
      status: 200,
      body: { value: control.listMachineActions(tenantOf(params)) },
    })),
  ];
}
