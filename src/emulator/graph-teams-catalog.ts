// Microsoft Graph's Teams app catalog, `GET /appCatalogs/teamsApps` ("List teamsApp",
// appcatalogs-list-teamsapps; application permission AppCatalog.Read.All or ReadWrite.All):
// `$filter=externalId eq '{manifestId}'` finds an organization app, whose generated `id` differs
// from the manifest id (msteams-docs graph-proactive-bots-and-messages, "Get the teamsAppId");
// `distributionMethod eq 'organization'` narrows to the tenant's own apps; `$expand=appDefinitions`
// adds the definition. A catalog without the app answers an empty `value`. Also the teamsApp and
// teamsAppDefinition shapes that installations expand to (userteamwork-list-installedapps).
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import type { EmulatorState, UserRecord } from './emulator-state.ts';
import { applySelect } from './graph-users.ts';
import { callerOf, type Route, type RouteContext } from './http-kit.ts';
import { compileFilter, ODataQueryError, type FilterFields } from './odata-filter.ts';
import type { EmulatorTeamsApp } from './seed-schema.ts';

export function presentTeamsApp(app: EmulatorTeamsApp) {
  return {
    id: app.id,
    externalId: app.externalId,
    displayName: app.displayName,
    distributionMethod: app.distributionMethod,
  };
}

export function presentAppDefinition(app: EmulatorTeamsApp) {
  return {
    id: Buffer.from(`${app.id}##${app.version}`, 'utf8').toString('base64'),
    teamsAppId: app.id,
    azureADAppId: app.azureADAppId,
    displayName: app.displayName,
    version: app.version,
    requiredResourceSpecificApplicationPermissions: [],
    publishingState: 'published',
    shortDescription: app.shortDescription,
    description: app.shortDescription,
    lastModifiedDateTime: null,
    createdBy: null,
  };
}

/** The user's one-on-one chat with the app's bot (a seeded or set id, else Teams' format). */
export function chatIdOf(user: UserRecord, app: EmulatorTeamsApp): string {
  return user.chatId ?? `19:${app.azureADAppId ?? app.id}_${user.id}@unq.gbl.spaces`;
}

/** The navigation properties a request asks to `$expand` (unknown ones: 400). */
export function expansions(ctx: RouteContext, allowed: string[]): Set<string> {
  const expand = ctx.url.searchParams.get('$expand');
  const out = new Set<string>();
  if (expand === null) return out;
  for (const part of expand.split(',').map((p) => p.trim())) {
    const name = allowed.find((a) => a.toLowerCase() === part.toLowerCase());
    if (!name) {
      throw new ODataQueryError(
        `Parsing OData Select and Expand failed: Could not find a property named '${part}' to expand.`,
      );
    }
    out.add(name);
  }
  return out;
}

const catalogFilterFields: FilterFields<EmulatorTeamsApp> = {
  id: { kind: 'string', get: (a) => a.id },
  externalId: { kind: 'string', get: (a) => a.externalId },
  displayName: { kind: 'string', get: (a) => a.displayName },
  distributionMethod: { kind: 'string', get: (a) => a.distributionMethod },
};

export function graphTeamsCatalogRoutes(deps: {
  state: EmulatorState;
  graphBaseUrl: () => string;
}): Route[] {
  const { state, graphBaseUrl } = deps;
  const context = (suffix: string) => `${graphBaseUrl()}/v1.0/$metadata#${suffix}`;

  const listCatalog: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/appCatalogs/teamsApps',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.catalogRead, 'teams');
      const expand = expansions(ctx, ['appDefinitions']);
      let apps = [...state.requireTenant(callerOf(ctx).tenantId).teamsApps.values()].filter(
        (a) => a.inCatalog,
      );
      const filter = ctx.url.searchParams.get('$filter');
      if (filter !== null) apps = apps.filter(compileFilter(filter, catalogFilterFields));
      return {
        status: 200,
        body: {
          '@odata.context': context('appCatalogs/teamsApps'),
          value: apps.map((a) =>
            applySelect(
              ctx,
              {
                ...presentTeamsApp(a),
                ...(expand.has('appDefinitions')
                  ? { appDefinitions: [presentAppDefinition(a)] }
                  : {}),
              },
              'microsoft.graph.teamsApp',
            ),
          ),
        },
      };
    },
  };

  return [listCatalog];
}
