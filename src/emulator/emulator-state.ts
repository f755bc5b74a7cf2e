// The emulator's in-memory tenants: apps, incidents (Graph shape) and devices (MDE shape). Every
// lookup is by tenant, so one tenant's token can never reach another tenant's data.
import { HttpError } from './http-kit.ts';
import { parseIncidentPatch } from './incident-patch.ts';
import {
  incidentSeedSchema,
  tenantSeedSchema,
  type AlertComment,
  type EmulatorApp,
  type EmulatorTenantSeed,
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
}

export interface TenantState {
  tenantId: string;
  name: string;
  apps: EmulatorApp[];
  incidents: Map<string, GraphIncident>;
  devices: Map<string, DeviceRecord>;
}

export function incidentWebUrl(tenantId: string, id: string): string {
  return `https://security.microsoft.com/incidents/${id}?tid=${tenantId}`;
}

export class EmulatorState {
  private readonly tenants = new Map<string, TenantState>();

  constructor(
    seeds: EmulatorTenantSeed[],
    private readonly now: () => Date,
  ) {
    for (const raw of seeds) {
      const seed = tenantSeedSchema.parse(raw);
      const tenantId = seed.tenantId.toLowerCase();
      const tenant: TenantState = {
        tenantId,
        name: seed.name,
        apps: seed.apps,
        incidents: new Map(),
        devices: new Map(seed.devices.map((d) => [d.id.toLowerCase(), d])),
      };
      this.tenants.set(tenantId, tenant);
      for (const incident of seed.incidents) this.upsertIncident(tenantId, incident);
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
}
