// Microsoft Graph users: `GET /users/{id | userPrincipalName}` ("Get user") and `GET /users`
// ("List users": $filter on id, displayName, mail, userPrincipalName, givenName, surname with eq
// and startswith; $top up to 999 with an @odata.nextLink carrying $skiptoken; $select), so a
// client can look up a contact's mail address. Application permission User.Read.All (or
// User.ReadBasic.All, Directory.Read.All…). An unknown user is Graph's directory 404,
// Request_ResourceNotFound.
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import type { EmulatorState, UserRecord } from './emulator-state.ts';
import { callerOf, HttpError, type Route, type RouteContext } from './http-kit.ts';
import { compileFilter, ODataQueryError, parseCount, type FilterFields } from './odata-filter.ts';

const USERS_PAGE_SIZE = 100;
const USERS_MAX_PAGE = 999;

/** Keeps the `$select`ed properties of a Graph entity (unknown names: 400, as Graph answers). */
export function applySelect(
  ctx: RouteContext,
  entity: Record<string, unknown>,
  typeName: string,
): Record<string, unknown> {
  const select = ctx.url.searchParams.get('$select');
  if (select === null) return entity;
  const names = select
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const key = Object.keys(entity).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) {
      throw new ODataQueryError(
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${typeName}'.`,
      );
    }
    out[key] = entity[key];
  }
  return out;
}

export function presentUser(user: UserRecord): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

const userFilterFields: FilterFields<UserRecord> = {
  id: { kind: 'string', get: (u) => u.id },
  displayName: { kind: 'string', get: (u) => u.displayName },
  mail: { kind: 'string', get: (u) => u.mail },
  userPrincipalName: { kind: 'string', get: (u) => u.userPrincipalName },
  givenName: { kind: 'string', get: (u) => u.givenName },
  surname: { kind: 'string', get: (u) => u.surname },
};

export function graphUserRoutes(deps: {
  state: EmulatorState;
  graphBaseUrl: () => string;
}): Route[] {
  const { state, graphBaseUrl } = deps;

  const get: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/users/{userId}',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.usersRead, 'directory');
      const requested = ctx.params.userId ?? '';
      const user = state.findUser(callerOf(ctx).tenantId, requested);
      if (!user) {
        throw new HttpError(
          404,
          'Request_ResourceNotFound',
          `Resource '${requested}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      return {
        status: 200,
        body: {
          '@odata.context': `${graphBaseUrl()}/v1.0/$metadata#users/$entity`,
          ...applySelect(ctx, presentUser(user), 'microsoft.graph.user'),
        },
      };
    },
  };

  const list: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/users',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.usersRead, 'directory');
      const q = ctx.url.searchParams;
      const tenant = state.requireTenant(callerOf(ctx).tenantId);
      let users = [...tenant.users.values()];
      const filter = q.get('$filter');
      if (filter !== null) users = users.filter(compileFilter(filter, userFilterFields));
      const top = Math.min(parseCount(q.get('$top'), '$top', USERS_PAGE_SIZE), USERS_MAX_PAGE);
      const skip = parseCount(q.get('$skiptoken'), '$skiptoken', 0);
      const page = users.slice(skip, skip + top);
      const body: Record<string, unknown> = {
        '@odata.context': `${graphBaseUrl()}/v1.0/$metadata#users`,
        value: page.map((u) => applySelect(ctx, presentUser(u), 'microsoft.graph.user')),
      };
      if (skip + page.length < users.length) {
        const next = new URLSearchParams(q);
        next.set('$skiptoken', String(skip + page.length));
        body['@odata.nextLink'] = `${graphBaseUrl()}/v1.0/users?${next.toString()}`;
      }
      return { status: 200, body };
    },
  };

  return [get, list];
}
