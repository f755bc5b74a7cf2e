// Microsoft Graph v1.0 security incidents: list (with $filter, $orderby, $top, $skip, $count,
// $expand=alerts, $select and an absolute @odata.nextLink), get, PATCH and POST comments.
// `awaitingAction` is an evolvable enum member: Graph shows it only to callers that send
// `Prefer: include-unknown-enum-members`, and `unknownFutureValue` to everyone else.
// Roles: reads need SecurityIncident.Read.All or SecurityIncident.ReadWrite.All, writes the
// latter (security-incident-update permissions); the 403 wording is not documented for this API,
// so it uses the Teams-backed Graph wording (see app-roles.ts).
import { z } from 'zod';
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import type { EmulatorState, GraphIncident } from './emulator-state.ts';
import { callerOf, HttpError, readJsonBody, type RouteContext, type Route } from './http-kit.ts';
import { compileFilter, ODataQueryError, parseCount, type FilterFields } from './odata-filter.ts';

/** Page size when the client sends no $top, and the most one page holds (forces paging). */
export const GRAPH_PAGE_SIZE = 50;

const filterFields: FilterFields<GraphIncident> = {
  assignedTo: { kind: 'string', get: (i) => i.assignedTo },
  classification: { kind: 'string', get: (i) => i.classification },
  determination: { kind: 'string', get: (i) => i.determination },
  severity: { kind: 'string', get: (i) => i.severity },
  status: { kind: 'string', get: (i) => i.status },
  displayName: { kind: 'string', get: (i) => i.displayName },
  id: { kind: 'string', get: (i) => i.id },
  createdDateTime: { kind: 'datetime', get: (i) => i.createdDateTime },
  lastUpdateDateTime: { kind: 'datetime', get: (i) => i.lastUpdateDateTime },
};

const sortKeys: Record<string, (i: GraphIncident) => number> = {
  lastUpdateDateTime: (i) => Date.parse(i.lastUpdateDateTime),
  createdDateTime: (i) => Date.parse(i.createdDateTime),
  id: (i) => Number(i.id),
};

function comparator(orderby: string | null): (a: GraphIncident, b: GraphIncident) => number {
  const clauses = (orderby ?? 'createdDateTime desc').split(',').map((clause) => {
    const [name = '', direction = 'asc', ...rest] = clause.trim().split(/\s+/);
    const key = Object.hasOwn(sortKeys, name) ? sortKeys[name] : undefined;
    const dir = direction.toLowerCase();
    if (!key || rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) {
      throw new ODataQueryError(`Unsupported $orderby clause '${clause.trim()}'.`);
    }
    return { key, sign: dir === 'asc' ? 1 : -1 };
  });
  // Ties are broken by id so that $skip paging is stable.
  clauses.push({ key: (i) => Number(i.id), sign: 1 });
  return (a, b) => {
    for (const { key, sign } of clauses) {
      const d = key(a) - key(b);
      if (d !== 0) return d * sign;
    }
    return 0;
  };
}

function wantsUnknownEnums(ctx: RouteContext): boolean {
  return /include-unknown-enum-members/i.test(String(ctx.req.headers.prefer ?? ''));
}

function expandsAlerts(ctx: RouteContext): boolean {
  const expand = ctx.url.searchParams.get('$expand');
  if (expand === null) return false;
  const parts = expand.split(',').map((p) => p.trim());
  if (parts.some((p) => p !== 'alerts')) {
    throw new ODataQueryError(`Unsupported $expand '${expand}'; only 'alerts' is expandable.`);
  }
  return true;
}

/** The incident as Graph answers it to this request. */
function present(incident: GraphIncident, ctx: RouteContext): Record<string, unknown> {
  const { alerts, ...rest } = incident;
  const out: Record<string, unknown> = structuredClone(rest);
  if (incident.status === 'awaitingAction' && !wantsUnknownEnums(ctx)) {
    out.status = 'unknownFutureValue';
  }
  if (expandsAlerts(ctx)) out.alerts = structuredClone(alerts);
  const select = ctx.url.searchParams.get('$select');
  if (select !== null) {
    const keep = new Set(['id', ...select.split(',').map((s) => s.trim())]);
    if (out.alerts) keep.add('alerts');
    for (const key of Object.keys(out)) if (!keep.has(key)) delete out[key];
  }
  return out;
}

function preferenceHeaders(ctx: RouteContext): Record<string, string> {
  return wantsUnknownEnums(ctx) ? { 'Preference-Applied': 'include-unknown-enum-members' } : {};
}

const commentSchema = z.object({
  '@odata.type': z.string().optional(),
  comment: z.string().trim().min(1),
});

export function graphIncidentRoutes(deps: {
  state: EmulatorState;
  graphBaseUrl: () => string;
}): Route[] {
  const { state, graphBaseUrl } = deps;
  const context = (suffix: string) => `${graphBaseUrl()}/v1.0/$metadata#${suffix}`;
  const requireRoles = (ctx: RouteContext, anyOf: readonly string[]) =>
    requireAnyRole(grantsOf(state, ctx), anyOf, 'teams');
  const requireIncident = (ctx: RouteContext): GraphIncident => {
    const id = ctx.params.id ?? '';
    const incident = state.getIncident(callerOf(ctx).tenantId, id);
    if (!incident) throw new HttpError(404, 'NotFound', `Incident with id '${id}' was not found.`);
    return incident;
  };

  const list: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/security/incidents',
    area: 'graph',
    handle: (ctx) => {
      requireRoles(ctx, ROLES.incidentsRead);
      expandsAlerts(ctx); // validates $expand even when no incident matches
      const q = ctx.url.searchParams;
      let items = state.listIncidents(callerOf(ctx).tenantId);
      const filter = q.get('$filter');
      if (filter !== null) items = items.filter(compileFilter(filter, filterFields));
      items = [...items].sort(comparator(q.get('$orderby')));
      const top = parseCount(q.get('$top'), '$top', GRAPH_PAGE_SIZE);
      const skip = parseCount(q.get('$skip'), '$skip', 0);
      const pageSize = Math.min(top, GRAPH_PAGE_SIZE);
      const page = items.slice(skip, skip + pageSize);
      const body: Record<string, unknown> = { '@odata.context': context('security/incidents') };
      if (/^true$/i.test(q.get('$count') ?? '')) body['@odata.count'] = items.length;
      body.value = page.map((i) => present(i, ctx));
      if (page.length > 0 && skip + page.length < items.length) {
        const next = new URLSearchParams(q);
        next.set('$skip', String(skip + page.length));
        const query = [...next]
          .map(([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`)
          .join('&');
        body['@odata.nextLink'] = `${graphBaseUrl()}/v1.0/security/incidents?${query}`;
      }
      return { status: 200, body, headers: preferenceHeaders(ctx) };
    },
  };

  const get: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/security/incidents/{id}',
    area: 'graph',
    handle: (ctx) => {
      requireRoles(ctx, ROLES.incidentsRead);
      return {
        status: 200,
        body: {
          '@odata.context': context('security/incidents/$entity'),
          ...present(requireIncident(ctx), ctx),
        },
        headers: preferenceHeaders(ctx),
      };
    },
  };

  const patch: Route = {
    method: 'PATCH',
    pattern: '/graph/v1.0/security/incidents/{id}',
    area: 'graph',
    handle: async (ctx) => {
      requireRoles(ctx, ROLES.incidentsWrite);
      const incident = requireIncident(ctx);
      const body = await readJsonBody(ctx, 'BadRequest');
      state.patchIncident(incident.tenantId, incident.id, body, { asExperts: false });
      return {
        status: 200,
        body: {
          '@odata.context': context('security/incidents/$entity'),
          ...present(incident, ctx),
        },
        headers: preferenceHeaders(ctx),
      };
    },
  };

  const comments: Route = {
    method: 'POST',
    pattern: '/graph/v1.0/security/incidents/{id}/comments',
    area: 'graph',
    handle: async (ctx) => {
      requireRoles(ctx, ROLES.incidentsWrite);
      const incident = requireIncident(ctx);
      const parsed = commentSchema.safeParse(await readJsonBody(ctx, 'BadRequest'));
      if (!parsed.success) {
        throw new HttpError(
          400,
          'BadRequest',
          "The request body must contain a non-empty 'comment'.",
        );
      }
      const all = state.addComment(
        incident.tenantId,
        incident.id,
        parsed.data.comment,
        callerOf(ctx).appDisplayName,
      );
      return {
        status: 200,
        body: {
          '@odata.context': context('Collection(microsoft.graph.security.alertComment)'),
          value: structuredClone(all),
        },
      };
    },
  };

  return [list, get, patch, comments];
}
