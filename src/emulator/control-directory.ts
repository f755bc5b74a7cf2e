// The control surface for each tenant's directory, Teams and mail: users and their Teams facts
// (license, app permission policy, the 1:1 chat id a test wants Graph to report), the app
// catalog, the application roles the tenant granted, the installations clients made and the mail
// they sent. In-process (`DirectoryControl`, part of EmulatorControl) and as unauthenticated JSON
// under `/_emulator/tenants/{tenantId}/…`; both run the same code.
import { z } from 'zod';
import { canonicalRole } from './app-roles.ts';
import type {
  EmulatorState,
  InstallationRecord,
  SentMail,
  TenantState,
  UserRecord,
} from './emulator-state.ts';
import { installationId } from './emulator-state.ts';
import { chatIdOf } from './graph-teams-catalog.ts';
import { HttpError, readJsonBody, type Route } from './http-kit.ts';
import { userSeedSchema, type EmulatorTeamsApp, type EmulatorUserSeed } from './seed-schema.ts';

/** A directory user with the facts that decide Teams and mail answers. */
export interface EmulatorUserView {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  mailboxEnabled: boolean;
  teamsLicensed: boolean;
  appInstallBlockedByPolicy: boolean;
  /** The chat id Graph reports for the user's 1:1 chat with a bot app (set or derived). */
  chatId: string | null;
  installedTeamsApps: string[];
}

/** An app installed in a user's personal scope. */
export interface EmulatorInstallation {
  userId: string;
  userPrincipalName: string;
  installationId: string;
  teamsAppId: string;
  externalId: string | null;
  displayName: string;
  installedDateTime: string;
  /** The user's 1:1 chat with the app's bot; null for an app without a bot. */
  chatId: string | null;
}

export interface DirectoryControl {
  listUsers(tenantId: string): EmulatorUserView[];
  /** Creates or replaces a directory user (installations of a replaced user are kept). */
  upsertUser(tenantId: string, seed: EmulatorUserSeed): EmulatorUserView;
  /** Installations in the tenant, optionally of one user (id or UPN). */
  listInstallations(tenantId: string, userId?: string): EmulatorInstallation[];
  /** The id Graph reports as the user's 1:1 chat with our bot (e.g. a fake connector's). */
  setChatId(tenantId: string, userId: string, chatId: string): EmulatorUserView;
  setAppInstallBlockedByPolicy(
    tenantId: string,
    userId: string,
    blocked: boolean,
  ): EmulatorUserView;
  setTeamsLicensed(tenantId: string, userId: string, licensed: boolean): EmulatorUserView;
  listTeamsApps(tenantId: string): EmulatorTeamsApp[];
  /** Puts a seeded app into, or takes it out of, the tenant's catalog. */
  setInCatalog(tenantId: string, teamsAppId: string, inCatalog: boolean): EmulatorTeamsApp;
  listGrantedRoles(tenantId: string): string[];
  grantRole(tenantId: string, role: string): string[];
  revokeRole(tenantId: string, role: string): string[];
  listSentMail(tenantId: string): SentMail[];
  clearSentMail(tenantId: string): void;
}

export function createDirectoryControl(state: EmulatorState, now: () => Date): DirectoryControl {
  const requireUser = (tenantId: string, userId: string): UserRecord => {
    const user = state.findUser(tenantId, userId);
    if (!user) throw new HttpError(404, 'NotFound', `User ${userId} was not found.`);
    return user;
  };
  const botAppOf = (tenant: TenantState, user: UserRecord): EmulatorTeamsApp | undefined => {
    const apps = [...tenant.teamsApps.values()].filter((a) => a.azureADAppId !== null);
    return apps.find((a) => user.installations.has(a.id)) ?? apps[0];
  };
  const view = (tenant: TenantState, user: UserRecord): EmulatorUserView => {
    const bot = botAppOf(tenant, user);
    return {
      id: user.id,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      mail: user.mail,
      mailboxEnabled: user.mailboxEnabled,
      teamsLicensed: user.teamsLicensed,
      appInstallBlockedByPolicy: user.appInstallBlockedByPolicy,
      chatId: user.chatId ?? (bot ? chatIdOf(user, bot) : null),
      installedTeamsApps: [...user.installations.keys()],
    };
  };
  const withUser = (
    tenantId: string,
    userId: string,
    change: (user: UserRecord) => void,
  ): EmulatorUserView => {
    const tenant = state.requireTenant(tenantId);
    const user = requireUser(tenantId, userId);
    change(user);
    return view(tenant, user);
  };
  const requireApp = (tenant: TenantState, teamsAppId: string): EmulatorTeamsApp => {
    const app = tenant.teamsApps.get(teamsAppId);
    if (!app) throw new HttpError(404, 'NotFound', `Teams app ${teamsAppId} is not seeded.`);
    return app;
  };
  const knownRole = (role: string): string => {
    const name = canonicalRole(role);
    if (!name) throw new HttpError(400, 'BadRequest', `Unknown application role '${role}'.`);
    return name;
  };
  const roles = (tenant: TenantState) => [...tenant.grantedRoles].sort();

  return {
    listUsers: (tenantId) => {
      const tenant = state.requireTenant(tenantId);
      return [...tenant.users.values()].map((u) => view(tenant, u));
    },
    upsertUser: (tenantId, raw) => {
      const tenant = state.requireTenant(tenantId);
      const parsed = userSeedSchema.safeParse(raw);
      if (!parsed.success) {
        throw new HttpError(400, 'BadRequest', `Invalid user seed: ${parsed.error.message}`);
      }
      const seed = parsed.data;
      const previous = tenant.users.get(seed.id.toLowerCase());
      const record: UserRecord = {
        ...seed,
        installations: previous?.installations ?? new Map<string, InstallationRecord>(),
      };
      for (const appId of seed.installedTeamsApps) {
        if (record.installations.has(appId)) continue;
        record.installations.set(appId, {
          id: installationId(seed.id, appId),
          teamsAppId: appId,
          installedDateTime: now().toISOString(),
        });
      }
      tenant.users.set(seed.id.toLowerCase(), record);
      return view(tenant, record);
    },
    listInstallations: (tenantId, userId) => {
      const tenant = state.requireTenant(tenantId);
      const users = userId ? [requireUser(tenantId, userId)] : [...tenant.users.values()];
      return users.flatMap((user) =>
        [...user.installations.values()].map((i) => {
          const app = tenant.teamsApps.get(i.teamsAppId);
          return {
            userId: user.id,
            userPrincipalName: user.userPrincipalName,
            installationId: i.id,
            teamsAppId: i.teamsAppId,
            externalId: app?.externalId ?? null,
            displayName: app?.displayName ?? i.teamsAppId,
            installedDateTime: i.installedDateTime,
            chatId: app && app.azureADAppId !== null ? chatIdOf(user, app) : null,
          };
        }),
      );
    },
    setChatId: (tenantId, userId, chatId) =>
      withUser(tenantId, userId, (u) => {
        u.chatId = chatId;
      }),
    setAppInstallBlockedByPolicy: (tenantId, userId, blocked) =>
      withUser(tenantId, userId, (u) => {
        u.appInstallBlockedByPolicy = blocked;
      }),
    setTeamsLicensed: (tenantId, userId, licensed) =>
      withUser(tenantId, userId, (u) => {
        u.teamsLicensed = licensed;
      }),
    listTeamsApps: (tenantId) =>
      structuredClone([...state.requireTenant(tenantId).teamsApps.values()]),
    setInCatalog: (tenantId, teamsAppId, inCatalog) => {
      const app = requireApp(state.requireTenant(tenantId), teamsAppId);
      app.inCatalog = inCatalog;
      return structuredClone(app);
    },
    listGrantedRoles: (tenantId) => roles(state.requireTenant(tenantId)),
    grantRole: (tenantId, role) => {
      const tenant = state.requireTenant(tenantId);
      tenant.grantedRoles.add(knownRole(role));
      return roles(tenant);
    },
    revokeRole: (tenantId, role) => {
      const tenant = state.requireTenant(tenantId);
      tenant.grantedRoles.delete(knownRole(role));
      return roles(tenant);
    },
    listSentMail: (tenantId) => structuredClone(state.requireTenant(tenantId).sentMail),
    clearSentMail: (tenantId) => {
      state.requireTenant(tenantId).sentMail.length = 0;
    },
  };
}

export function directoryControlRoutes(control: DirectoryControl): Route[] {
  const base = '/_emulator/tenants/{tenantId}';
  const route = (method: string, pattern: string, handle: Route['handle']): Route => ({
    method,
    pattern: `${base}${pattern}`,
    area: 'control',
    handle,
  });
  const parse = async <T>(ctx: Parameters<Route['handle']>[0], schema: z.ZodType<T>) => {
    const parsed = schema.safeParse(await readJsonBody(ctx, 'BadRequest'));
    if (!parsed.success) throw new HttpError(400, 'BadRequest', parsed.error.message);
    return parsed.data;
  };
  const t = (p: Record<string, string>) => p.tenantId ?? '';
  const u = (p: Record<string, string>) => p.userId ?? '';

  return [
    route('GET', '/users', ({ params }) => ({
      status: 200,
      body: { value: control.listUsers(t(params)) },
    })),
    route('PUT', '/users/{userId}', async (ctx) => {
      const body = await readJsonBody(ctx, 'BadRequest');
      const seed = { ...(body as object), id: u(ctx.params) } as EmulatorUserSeed;
      return { status: 200, body: control.upsertUser(t(ctx.params), seed) };
    }),
    route('GET', '/installedApps', ({ params, url }) => ({
      status: 200,
      body: {
        value: control.listInstallations(t(params), url.searchParams.get('userId') ?? undefined),
      },
    })),
    route('GET', '/users/{userId}/installedApps', ({ params }) => ({
      status: 200,
      body: { value: control.listInstallations(t(params), u(params)) },
    })),
    route('PUT', '/users/{userId}/chat', async (ctx) => {
      const { chatId } = await parse(ctx, z.object({ chatId: z.string().min(1) }));
      return { status: 200, body: control.setChatId(t(ctx.params), u(ctx.params), chatId) };
    }),
    route('PUT', '/users/{userId}/appPolicy', async (ctx) => {
      const { blocked } = await parse(ctx, z.object({ blocked: z.boolean() }));
      return {
        status: 200,
        body: control.setAppInstallBlockedByPolicy(t(ctx.params), u(ctx.params), blocked),
      };
    }),
    route('PUT', '/users/{userId}/teamsLicense', async (ctx) => {
      const { licensed } = await parse(ctx, z.object({ licensed: z.boolean() }));
      return {
        status: 200,
        body: control.setTeamsLicensed(t(ctx.params), u(ctx.params), licensed),
      };
    }),
    route('GET', '/teamsApps', ({ params }) => ({
      status: 200,
      body: { value: control.listTeamsApps(t(params)) },
    })),
    route('PUT', '/teamsApps/{appId}/catalog', async (ctx) => {
      const { inCatalog } = await parse(ctx, z.object({ inCatalog: z.boolean() }));
      return {
        status: 200,
        body: control.setInCatalog(t(ctx.params), ctx.params.appId ?? '', inCatalog),
      };
    }),
    route('GET', '/roles', ({ params }) => ({
      status: 200,
      body: { value: control.listGrantedRoles(t(params)) },
    })),
    route('PUT', '/roles/{role}', ({ params }) => ({
      status: 200,
      body: { value: control.grantRole(t(params), params.role ?? '') },
    })),
    route('DELETE', '/roles/{role}', ({ params }) => ({
      status: 200,
      body: { value: control.revokeRole(t(params), params.role ?? '') },
    })),
    route('GET', '/sentMail', ({ params }) => ({
      status: 200,
      body: { value: control.listSentMail(t(params)) },
    })),
    route('DELETE', '/sentMail', ({ params }) => {
      control.clearSentMail(t(params));
      return { status: 204 };
    }),
  ];
}
