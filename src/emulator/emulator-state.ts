// The emulator's in-memory tenants: apps and their granted roles, incidents (Graph shape),
// devices (MDE shape), the directory with its Teams installations, the Teams app catalog and the
// mail sent. Every lookup is by tenant, so one tenant's token can never reach another tenant's
// data. `reset()` puts everything back as seeded.
import { allKnownRoles, type RoleCheck } from './app-roles.ts';
import { HttpError } from './http-kit.ts';
import { parseIncidentPatch } from './incident-patch.ts';
import {
  deviceSeedSchema,
  incidentSeedSchema,
  tenantSeedSchema,
  type AlertComment,
  type EmulatorApp,
  type EmulatorMachineActionSeed,
  type EmulatorTeamsApp,
  type EmulatorTenantSeed,
  type EmulatorUser,
} from './seed-schema.ts';

/** A Graph security incident as stored (status `awaitingAction` included). */
export interface GraphIncident {
  id: string;
  tenantId: string;
  status: string;
  incidentWebUrl: string;
  redirectIncidentId: string | null;
  displayName: string;
  description: string | null;
  createdDateTime: string;
  lastUpdateDateTime: string;
  assignedTo: string | null;
  classification: string;
  determination: string;
  severity: string;
  customTags: string[];
  systemTags: string[];
  comments: AlertComment[];
  summary: string | null;
  alerts: Record<string, unknown>[];
}

export interface DeviceRecord extends Record<string, unknown> {
  id: string;
  computerDnsName: string;
  osPlatform: string;
  healthStatus: string;
  onboardingStatus: string;
  version?: string | null | undefined;
  osBuild?: number | null | undefined;
  machineTags: string[];
}

/** Our app (or another) installed in a user's personal scope. */
export interface InstallationRecord {
  /** Graph's installation id: base64 of `{userId}##{teamsAppId}` (as in the documented samples). */
  id: string;
  teamsAppId: string;
  installedDateTime: string;
}

export interface UserRecord extends EmulatorUser {
  /** By catalog app id. */
  installations: Map<string, InstallationRecord>;
}

/** A message accepted by sendMail, as the control API shows it. */
export interface SentMail {
  id: string;
  /** The user id or UPN the client sent as (the path's `{id | userPrincipalName}`). */
  sender: { id: string; userPrincipalName: string; mail: string | null };
  format: 'json' | 'mime';
  from: string | null;
  toRecipients: string[];
  ccRecipients: string[];
  bccRecipients: string[];
  subject: string;
  /** The HTML body (JSON contentType html, or the MIME text/html part); null when absent. */
  htmlBody: string | null;
  /** The plain-text body (JSON contentType text, or the MIME text/plain part); null when absent. */
  textBody: string | null;
  /** The decoded MIME message as received (MIME format only). */
  rawMime: string | null;
  internetMessageHeaders: { name: string; value: string }[];
  saveToSentItems: boolean;
  sentDateTime: string;
}

export interface TenantState {
  tenantId: string;
  name: string;
  apps: EmulatorApp[];
  grantedRoles: Set<string>;
  incidents: Map<string, GraphIncident>;
  devices: Map<string, DeviceRecord>;
  /** By lower-cased user id. */
  users: Map<string, UserRecord>;
  /** By catalog id, including apps not (or no longer) in the catalog. */
  teamsApps: Map<string, EmulatorTeamsApp>;
  sentMail: SentMail[];
  /** Machine actions from the seed, for the MachineActionBook (see machine-actions.ts). */
  seededActions: EmulatorMachineActionSeed[];
}

export function incidentWebUrl(tenantId: string, id: string): string {
  return `https://security.microsoft.com/incidents/${id}?tid=${tenantId}`;
}

export function installationId(userId: string, teamsAppId: string): string {
  return Buffer.from(`${userId}##${teamsAppId}`, 'utf8').toString('base64');
}

export class EmulatorState {
  private readonly tenants = new Map<string, TenantState>();
  private readonly seeds: EmulatorTenantSeed[];

  constructor(
    seeds: EmulatorTenantSeed[],
    private readonly now: () => Date,
    /** What routes check roles against (app-roles.ts). */
    readonly roleCheck: RoleCheck = 'currentGrants',
  ) {
    this.seeds = structuredClone(seeds);
    this.reset();
  }

  /** Drops every change since start: back to the seeds. */
  reset(): void {
    this.tenants.clear();
    for (const raw of this.seeds) {
      const seed = tenantSeedSchema.parse(structuredClone(raw));
      const tenantId = seed.tenantId.toLowerCase();
      const stamp = this.now().toISOString();
      const tenant: TenantState = {
        tenantId,
        name: seed.name,
        apps: seed.apps,
        grantedRoles: new Set(seed.grantedRoles ?? allKnownRoles()),
        incidents: new Map(),
        devices: new Map(seed.devices.map((d) => [d.id.toLowerCase(), d])),
        users: new Map(),
        teamsApps: new Map(seed.teamsApps.map((a) => [a.id, a])),
        sentMail: [],
        seededActions: seed.machineActions,
      };
      this.tenants.set(tenantId, tenant);
      for (const incident of seed.incidents) this.upsertIncident(tenantId, incident);
      for (const user of seed.users) {
        const record: UserRecord = { ...user, installations: new Map() };
        for (const appId of user.installedTeamsApps) {
          record.installations.set(appId, {
            id: installationId(user.id, appId),
            teamsAppId: appId,
            installedDateTime: stamp,
          });
        }
        tenant.users.set(user.id.toLowerCase(), record);
      }
    }
  }

  tenant(tenantId: string): TenantState | undefined {
    return this.tenants.get(tenantId.toLowerCase());
  }

  listTenants(): { tenantId: string; name: string }[] {
    return [...this.tenants.values()].map(({ tenantId, name }) => ({ tenantId, name }));
  }

  requireTenant(tenantId: string): TenantState {
    const tenant = this.tenant(tenantId);
    if (!tenant) throw new HttpError(404, 'NotFound', `Tenant ${tenantId} is not emulated.`);
    return tenant;
  }

  listIncidents(tenantId: string): GraphIncident[] {
    return [...this.requireTenant(tenantId).incidents.values()];
  }

  getIncident(tenantId: string, id: string): GraphIncident | undefined {
    return this.tenant(tenantId)?.incidents.get(id);
  }

  private requireIncident(tenantId: string, id: string): GraphIncident {
    const incident = this.getIncident(tenantId, id);
    if (!incident) throw new HttpError(404, 'NotFound', `Incident ${id} was not found.`);
    return incident;
  }

  /** Creates or replaces an incident from a seed (Graph shape); fills ids, URLs and dates. */
  upsertIncident(tenantId: string, rawSeed: unknown): GraphIncident {
    const tenant = this.requireTenant(tenantId);
    const parsed = incidentSeedSchema.safeParse(rawSeed);
    if (!parsed.success) {
      throw new HttpError(400, 'BadRequest', `Invalid incident seed: ${parsed.error.message}`);
    }
    const seed = parsed.data;
    const stamp = this.now().toISOString();
    const webUrl = incidentWebUrl(tenant.tenantId, seed.id);
    const createdDateTime = seed.createdDateTime ?? tenant.incidents.get(seed.id)?.createdDateTime;
    const incident: GraphIncident = {
      id: seed.id,
      tenantId: tenant.tenantId,
      status: seed.status,
      incidentWebUrl: webUrl,
      redirectIncidentId: seed.redirectIncidentId,
      displayName: seed.displayName,
      description: seed.description ?? null,
      createdDateTime: createdDateTime ?? stamp,
      lastUpdateDateTime: seed.lastUpdateDateTime ?? stamp,
      assignedTo: seed.assignedTo,
      classification: seed.classification,
      determination: seed.determination,
      severity: seed.severity,
      customTags: seed.customTags,
      systemTags: seed.systemTags,
      comments: seed.comments,
      summary: seed.summary ?? null,
      alerts: seed.alerts.map((alert) => ({
        incidentId: seed.id,
        tenantId: tenant.tenantId,
        incidentWebUrl: webUrl,
        alertWebUrl: `https://security.microsoft.com/alerts/${alert.id}?tid=${tenant.tenantId}`,
        ...alert,
      })),
    };
    tenant.incidents.set(incident.id, incident);
    return incident;
  }

  /** Applies a Graph-style PATCH; `asExperts` also allows `awaitingAction`. */
  patchIncident(
    tenantId: string,
    id: string,
    body: unknown,
    options: { asExperts: boolean },
  ): GraphIncident {
    const incident = this.requireIncident(tenantId, id);
    const patch = parseIncidentPatch(body, options);
    Object.assign(incident, patch, { lastUpdateDateTime: this.now().toISOString() });
    return incident;
  }

  addComment(tenantId: string, id: string, comment: string, author: string): AlertComment[] {
    const incident = this.requireIncident(tenantId, id);
    const stamp = this.now().toISOString();
    incident.comments.push({ comment, createdByDisplayName: author, createdDateTime: stamp });
    incident.lastUpdateDateTime = stamp;
    return incident.comments;
  }

  getDevice(tenantId: string, id: string): DeviceRecord | undefined {
    return this.tenant(tenantId)?.devices.get(id.toLowerCase());
  }

  listDevices(tenantId: string): DeviceRecord[] {
    return [...this.requireTenant(tenantId).devices.values()];
  }

  /** Creates or replaces a device from an MDE-shaped seed. */
  upsertDevice(tenantId: string, rawSeed: unknown): DeviceRecord {
    const tenant = this.requireTenant(tenantId);
    const parsed = deviceSeedSchema.safeParse(rawSeed);
    if (!parsed.success) {
      throw new HttpError(400, 'BadRequest', `Invalid device seed: ${parsed.error.message}`);
    }
    tenant.devices.set(parsed.data.id.toLowerCase(), parsed.data);
    return parsed.data;
  }

  /** Each tenant's seeded machine actions with its devices, for MachineActionBook.reset(). */
  actionSeeds(): {
    tenantId: string;
    actions: EmulatorMachineActionSeed[];
    devices: DeviceRecord[];
  }[] {
    return [...this.tenants.values()].map((t) => ({
      tenantId: t.tenantId,
      actions: t.seededActions,
      devices: [...t.devices.values()],
    }));
  }

  /** A user by object id or userPrincipalName (both case-insensitive), as Graph resolves them. */
  findUser(tenantId: string, idOrUpn: string): UserRecord | undefined {
    const tenant = this.tenant(tenantId);
    if (!tenant) return undefined;
    const key = idOrUpn.toLowerCase();
    return (
      tenant.users.get(key) ??
      [...tenant.users.values()].find((u) => u.userPrincipalName.toLowerCase() === key)
    );
  }
}
