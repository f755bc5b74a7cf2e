// Application roles (app-only permissions) the emulated tenants can grant, grouped by the API
// that puts them in its tokens' `roles` claim, and the check each route makes against them.
//
// Sources: the Permissions table of each API page, e.g. Graph "Install app for user"
// (userteamwork-post-installedapps), "List apps installed for user", "Get chat between user and
// app" (userscopeteamsappinstallation-get-chat), "List teamsApp" (appcatalogs-list-teamsapps),
// "user: sendMail", "Get user"; MDE "Isolate machine", "Restrict app execution", "Stop and
// quarantine file", "List machines", "List MachineActions", "Cancel machine action".
//
// Consent changes: Entra ID puts the roles granted at issue time into each token, and changes
// reach a client only with its next token (up to an hour later). By default the emulator checks
// the tenant's CURRENT grants on every request instead, so a test can revoke or grant a role
// without waiting out a token that the client has cached and cannot refresh on demand. With
// `roleCheck: 'tokenRoles'` it checks the token's `roles` claim, as the real services do.
import type { EmulatorState } from './emulator-state.ts';
import { callerOf, HttpError, type RouteContext } from './http-kit.ts';

export type RoleApi = 'graph' | 'mde';

const graphRoles = [
  'SecurityIncident.Read.All',
  'SecurityIncident.ReadWrite.All',
  'AppCatalog.Read.All',
  'AppCatalog.ReadWrite.All',
  'TeamsAppInstallation.ReadForUser.All',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'TeamsAppInstallation.ReadWriteForUser.All',
  'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
  'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
  'TeamsAppInstallation.ReadWriteSelectedForUser.All',
  'TeamsAppInstallation.ManageSelectedForUser.All',
  'Mail.Send',
  'User.ReadBasic.All',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;

const mdeRoles = [
  'Machine.Read.All',
  'Machine.ReadWrite.All',
  'Machine.Isolate',
  'Machine.RestrictExecution',
  'Machine.StopAndQuarantine',
  'Machine.Scan',
  'Machine.CollectForensics',
  'Machine.Offboard',
  'Machine.LiveResponse',
] as const;

/** Every role the emulator knows, by the API whose tokens carry it. */
export const KNOWN_ROLES: Readonly<Record<RoleApi, readonly string[]>> = {
  graph: graphRoles,
  mde: mdeRoles,
};

/** The API a role belongs to, or undefined for a name the emulator does not know. */
export function apiOfRole(role: string): RoleApi | undefined {
  if (graphRoles.some((r) => r.toLowerCase() === role.toLowerCase())) return 'graph';
  if (mdeRoles.some((r) => r.toLowerCase() === role.toLowerCase())) return 'mde';
  return undefined;
}

/** The canonical spelling of a known role (role names compare case-insensitively). */
export function canonicalRole(role: string): string | undefined {
  return [...graphRoles, ...mdeRoles].find((r) => r.toLowerCase() === role.toLowerCase());
}

/** What a tenant grants when its seed names no `grantedRoles`: everything (the old behaviour). */
export function allKnownRoles(): string[] {
  return [...graphRoles, ...mdeRoles];
}

/** Roles that the caller's tenant grants for `api`, in catalogue order. */
export function rolesFor(granted: ReadonlySet<string>, api: RoleApi): string[] {
  return KNOWN_ROLES[api].filter((r) => granted.has(r));
}

export function hasAnyRole(granted: ReadonlySet<string>, anyOf: readonly string[]): boolean {
  return anyOf.some((r) => granted.has(r));
}

/** The roles that Graph security incidents and MDE routes need (the existing endpoints). */
export const ROLES = {
  incidentsRead: ['SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All'],
  incidentsWrite: ['SecurityIncident.ReadWrite.All'],
  catalogRead: ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All'],
  installedAppsRead: [
    'TeamsAppInstallation.ReadForUser.All',
    'TeamsAppInstallation.ReadWriteSelfForUser.All',
    'TeamsAppInstallation.ReadWriteForUser.All',
    'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
    'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
    'TeamsAppInstallation.ReadWriteSelectedForUser.All',
    'TeamsAppInstallation.ManageSelectedForUser.All',
  ],
  installedAppsWrite: [
    'TeamsAppInstallation.ReadWriteSelfForUser.All',
    'TeamsAppInstallation.ReadWriteForUser.All',
    'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
    'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
    'TeamsAppInstallation.ReadWriteSelectedForUser.All',
    'TeamsAppInstallation.ManageSelectedForUser.All',
  ],
  mailSend: ['Mail.Send'],
  usersRead: [
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  machinesRead: ['Machine.Read.All', 'Machine.ReadWrite.All'],
  isolate: ['Machine.Isolate'],
  restrict: ['Machine.RestrictExecution'],
  quarantine: ['Machine.StopAndQuarantine'],
  /** "Cancel machine action": any of the action permissions. */
  cancel: [
    'Machine.Isolate',
    'Machine.RestrictExecution',
    'Machine.StopAndQuarantine',
    'Machine.Scan',
    'Machine.CollectForensics',
    'Machine.Offboard',
    'Machine.LiveResponse',
  ],
} as const satisfies Record<string, readonly string[]>;

/**
 * How each service words a missing application role (all 403):
 * - `teams`: Teams-backed Graph APIs (appCatalogs, installedApps) and, for lack of a documented
 *   answer, security incidents: `Forbidden`, "Missing role permissions on the request. API
 *   requires one of '…'. Roles on the request '…'." (observed Graph answers, quoted in public
 *   bug reports and client code; not on a doc page);
 * - `exchange`: Outlook APIs (sendMail): `ErrorAccessDenied`, "Access is denied. Check credentials
 *   and try again." (observed);
 * - `directory`: users: `Authorization_RequestDenied`, "Insufficient privileges to complete the
 *   operation." (observed);
 * - `mde`: Defender for Endpoint: `Forbidden` (common-errors: "valid token but insufficient
 *   permission for the action"), worded as MDE answers today: "Missing application roles. API
 *   required roles: …, application roles: …." (Azure/Azure-Sentinel#13457).
 */
export type ForbiddenStyle = 'teams' | 'exchange' | 'directory' | 'mde';

/** Throws the service's 403 unless the tenant grants at least one of `anyOf`. */
export function requireAnyRole(
  granted: ReadonlySet<string>,
  anyOf: readonly string[],
  style: ForbiddenStyle,
): void {
  if (hasAnyRole(granted, anyOf)) return;
  switch (style) {
    case 'teams':
      throw new HttpError(
        403,
        'Forbidden',
        `Missing role permissions on the request. API requires one of '${anyOf.join(', ')}'. Roles on the request '${rolesFor(granted, 'graph').join(', ')}'.`,
      );
    case 'exchange':
      throw new HttpError(
        403,
        'ErrorAccessDenied',
        'Access is denied. Check credentials and try again.',
      );
    case 'directory':
      throw new HttpError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    case 'mde':
      throw new HttpError(
        403,
        'Forbidden',
        `Missing application roles. API required roles: ${anyOf.join(',')}, application roles: ${rolesFor(granted, 'mde').join(',')}.`,
      );
  }
}

/** What a route checks roles against (see the file comment on consent changes). */
export type RoleCheck = 'currentGrants' | 'tokenRoles';

/** The roles a request is judged by: the tenant's grants now, or the token's claim. */
export function grantsOf(state: EmulatorState, ctx: RouteContext): ReadonlySet<string> {
  const caller = callerOf(ctx);
  if (state.roleCheck === 'tokenRoles') return new Set(caller.roles);
  return state.requireTenant(caller.tenantId).grantedRoles;
}
