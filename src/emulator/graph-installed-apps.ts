// Microsoft Graph for Teams' "proactively install your app for users" procedure
// (msteams-docs graph-api/proactive-bots-and-messages/graph-proactive-bots-and-messages), after
// the catalog lookup (graph-teams-catalog.ts):
// - `GET /users/{id}/teamwork/installedApps` ("List apps installed for user",
//   userteamwork-list-installedapps) with `$expand=teamsApp,teamsAppDefinition` and
//   `$filter=teamsApp/id eq '…'` or `teamsApp/externalId eq '…'`; empty `value` when not
//   installed. `GET …/installedApps/{installationId}` ("Get installed app for user").
// - `POST /users/{id}/teamwork/installedApps` ("Install app for user",
//   userteamwork-post-installedapps) with `{"teamsApp@odata.bind": ".../appCatalogs/teamsApps/{id}"}`:
//   201 Created, no body. `DELETE …/installedApps/{installationId}` ("Remove app for user"): 204.
// - `GET /users/{id}/teamwork/installedApps/{installationId}/chat`
//   (userscopeteamsappinstallation-get-chat): the one-on-one chat, id `19:…@unq.gbl.spaces`.
//
// Errors of the install, none of them on the API page (answers Graph gives in practice, as the
// Teams samples and bug reports show them): 409 Conflict when the app is already installed (the
// Company Communicator template treats 409 as "already installed, fetch the chat"); 404 NotFound
// when the app is not in the tenant's catalog (same template) or the user does not exist; 403
// Forbidden "Missing role permissions on the request…" without an installation permission; 403
// Forbidden "App is blocked by app permission policy. TenantId: …, UserObjectId: …, AppId: …,
// AppType: Private" with innerError code AccessDenied when the tenant's policy blocks a custom
// app for the user (OfficeDev/microsoft-teams-apps-company-communicator#1537); 403 Forbidden
// "Failed to get license information for the user…" for a user without a Teams license (the
// message Teams-backed Graph APIs give, OfficeDev/microsoft-teams-apps-requestateam#355).
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import {
  installationId,
  type EmulatorState,
  type InstallationRecord,
  type TenantState,
  type UserRecord,
} from './emulator-state.ts';
import { callerOf, HttpError, readJsonBody, type Route, type RouteContext } from './http-kit.ts';
import {
  chatIdOf,
  expansions,
  presentAppDefinition,
  presentTeamsApp,
} from './graph-teams-catalog.ts';
import { applySelect } from './graph-users.ts';
import { compileFilter, type FilterFields } from './odata-filter.ts';
import type { EmulatorTeamsApp } from './seed-schema.ts';

/** Hosts whose `…/appCatalogs/teamsApps/{id}` URLs a bind may name (Graph's clouds). */
const GRAPH_HOSTS = [
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
];

interface InstalledApp {
  installation: InstallationRecord;
  app: EmulatorTeamsApp;
}

const installedFilterFields: FilterFields<InstalledApp> = {
  id: { kind: 'string', get: (i) => i.installation.id },
  'teamsApp/id': { kind: 'string', get: (i) => i.app.id },
  'teamsApp/externalId': { kind: 'string', get: (i) => i.app.externalId },
  'teamsApp/displayName': { kind: 'string', get: (i) => i.app.displayName },
  'teamsApp/distributionMethod': { kind: 'string', get: (i) => i.app.distributionMethod },
  'teamsAppDefinition/teamsAppId': { kind: 'string', get: (i) => i.app.id },
  'teamsAppDefinition/displayName': { kind: 'string', get: (i) => i.app.displayName },
  'teamsAppDefinition/version': { kind: 'string', get: (i) => i.app.version },
};

/** The `teamsApp@odata.bind` value → catalog id; a 400 for anything else. */
function boundAppId(body: unknown, graphBaseUrl: string): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BadRequest', 'The request body must be a JSON object.');
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['teamsApp@odata.bind', 'consentedPermissionSet', '@odata.type'].includes(key)) {
      throw new HttpError(
        400,
        'BadRequest',
        `The property '${key}' does not exist on type 'microsoft.graph.userScopeTeamsAppInstallation'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
  }
  const bind = record['teamsApp@odata.bind'];
  if (typeof bind !== 'string' || bind.trim() === '') {
    throw new HttpError(
      400,
      'BadRequest',
      'The request must bind the app to install: {"teamsApp@odata.bind": "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{id}"}.',
    );
  }
  let url: URL;
  try {
    url = new URL(bind);
  } catch {
    throw new HttpError(400, 'BadRequest', `Invalid odata.bind URL '${bind}'.`);
  }
  const own = new URL(graphBaseUrl);
  const hostOk = GRAPH_HOSTS.includes(url.hostname.toLowerCase()) || url.host === own.host;
  const m = /^(?:\/graph)?\/(?:v1\.0|beta)\/appCatalogs\/teamsApps\/([^/]+)$/i.exec(url.pathname);
  if (url.protocol !== 'https:' || !hostOk || !m) {
    throw new HttpError(400, 'BadRequest', `Invalid odata.bind URL '${bind}'.`);
  }
  return decodeURIComponent(m[1]!);
}

export function graphInstalledAppRoutes(deps: {
  state: EmulatorState;
  graphBaseUrl: () => string;
  now: () => Date;
}): Route[] {
  const { state, graphBaseUrl, now } = deps;
  const context = (suffix: string) => `${graphBaseUrl()}/v1.0/$metadata#${suffix}`;
  const tenantOf = (ctx: RouteContext): TenantState => state.requireTenant(callerOf(ctx).tenantId);
  const requireUser = (ctx: RouteContext): UserRecord => {
    const requested = ctx.params.userId ?? '';
    const user = state.findUser(callerOf(ctx).tenantId, requested);
    if (!user) throw new HttpError(404, 'NotFound', `User '${requested}' was not found.`);
    return user;
  };
  const installedApps = (tenant: TenantState, user: UserRecord): InstalledApp[] =>
    [...user.installations.values()].flatMap((installation) => {
      const app = tenant.teamsApps.get(installation.teamsAppId);
      return app ? [{ installation, app }] : [];
    });
  const requireInstalled = (ctx: RouteContext): InstalledApp & { user: UserRecord } => {
    const user = requireUser(ctx);
    const wanted = ctx.params.installationId ?? '';
    const found = installedApps(tenantOf(ctx), user).find((i) => i.installation.id === wanted);
    if (!found) {
      throw new HttpError(404, 'NotFound', `App installation '${wanted}' was not found.`);
    }
    return { ...found, user };
  };
  const presentInstalled = (ctx: RouteContext, { installation, app }: InstalledApp) => {
    const expand = expansions(ctx, ['teamsApp', 'teamsAppDefinition']);
    return applySelect(
      ctx,
      {
        id: installation.id,
        consentedPermissionSet: null,
        ...(expand.has('teamsApp') ? { teamsApp: presentTeamsApp(app) } : {}),
        ...(expand.has('teamsAppDefinition')
          ? { teamsAppDefinition: presentAppDefinition(app) }
          : {}),
      },
      'microsoft.graph.userScopeTeamsAppInstallation',
    );
  };

  const listInstalled: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/users/{userId}/teamwork/installedApps',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.installedAppsRead, 'teams');
      const user = requireUser(ctx);
      expansions(ctx, ['teamsApp', 'teamsAppDefinition']); // validates before filtering
      let apps = installedApps(tenantOf(ctx), user);
      const filter = ctx.url.searchParams.get('$filter');
      if (filter !== null) apps = apps.filter(compileFilter(filter, installedFilterFields));
      return {
        status: 200,
        body: {
          '@odata.context': context(`users('${user.id}')/teamwork/installedApps`),
          value: apps.map((a) => presentInstalled(ctx, a)),
        },
      };
    },
  };

  const getInstalled: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/users/{userId}/teamwork/installedApps/{installationId}',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.installedAppsRead, 'teams');
      const found = requireInstalled(ctx);
      return {
        status: 200,
        body: {
          '@odata.context': context(`users('${found.user.id}')/teamwork/installedApps/$entity`),
          ...presentInstalled(ctx, found),
        },
      };
    },
  };

  const install: Route = {
    method: 'POST',
    pattern: '/graph/v1.0/users/{userId}/teamwork/installedApps',
    area: 'graph',
    handle: async (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.installedAppsWrite, 'teams');
      const tenant = tenantOf(ctx);
      const appId = boundAppId(await readJsonBody(ctx, 'BadRequest'), graphBaseUrl());
      const user = requireUser(ctx);
      const app = tenant.teamsApps.get(appId);
      if (!app?.inCatalog) {
        throw new HttpError(
          404,
          'NotFound',
          `The app with id '${appId}' was not found in the tenant's app catalog.`,
        );
      }
      if (user.installations.has(app.id)) {
        throw new HttpError(409, 'Conflict', 'The app is already installed for this user.');
      }
      if (!user.teamsLicensed) {
        throw new HttpError(
          403,
          'Forbidden',
          'Failed to get license information for the user. Ensure user has a valid Office365 license assigned to them.',
        );
      }
      if (user.appInstallBlockedByPolicy && app.distributionMethod !== 'store') {
        const message = `App is blocked by app permission policy. TenantId: ${tenant.tenantId}, UserObjectId: ${user.id}, AppId: ${app.id}, AppType: Private`;
        throw new HttpError(403, 'Forbidden', message, {}, 'AccessDenied');
      }
      user.installations.set(app.id, {
        id: installationId(user.id, app.id),
        teamsAppId: app.id,
        installedDateTime: now().toISOString(),
      });
      return { status: 201 };
    },
  };

  const uninstall: Route = {
    method: 'DELETE',
    pattern: '/graph/v1.0/users/{userId}/teamwork/installedApps/{installationId}',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.installedAppsWrite, 'teams');
      const found = requireInstalled(ctx);
      found.user.installations.delete(found.app.id);
      return { status: 204 };
    },
  };

  const chat: Route = {
    method: 'GET',
    pattern: '/graph/v1.0/users/{userId}/teamwork/installedApps/{installationId}/chat',
    area: 'graph',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.installedAppsRead, 'teams');
      const found = requireInstalled(ctx);
      if (found.app.azureADAppId === null) {
        throw new HttpError(
          404,
          'NotFound',
          `The app '${found.app.displayName}' has no bot to chat with.`,
        );
      }
      const id = chatIdOf(found.user, found.app);
      const tenantId = callerOf(ctx).tenantId;
      const at = found.installation.installedDateTime;
      return {
        status: 200,
        body: {
          '@odata.context': context('chats/$entity'),
          ...applySelect(
            ctx,
            {
              id,
              topic: null,
              createdDateTime: at,
              lastUpdatedDateTime: at,
              chatType: 'oneOnOne',
              webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(id)}/0?tenantId=${tenantId}`,
              tenantId,
              onlineMeetingInfo: null,
              viewpoint: null,
              isHiddenForAllMembers: false,
            },
            'microsoft.graph.chat',
          ),
        },
      };
    },
  };

  return [listInstalled, getInstalled, install, uninstall, chat];
}
