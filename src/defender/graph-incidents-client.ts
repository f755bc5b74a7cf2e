// Microsoft Graph security incidents for one customer tenant: list changes since a watermark
// (following @odata.nextLink), read one with its alerts, update triage fields, add comments.
// Every call asks for evolvable enum members, or Graph would hide `awaitingAction`.
import { z } from 'zod';
import type {
  Classification,
  Determination,
  Incident,
  IncidentComment,
  IncidentStatus,
} from '../domain/incident.ts';
import type { CallLane, DefenderHttpClient } from './defender-http-client.ts';
import {
  graphCommentSchema,
  graphIncidentSchema,
  toComment,
  toIncident,
  toIncidentAlert,
  type IncidentAlert,
} from './graph-incident-mapper.ts';

const PERMISSION = 'SecurityIncident.ReadWrite.All';
const INCIDENTS = '/v1.0/security/incidents';
const PREFER = { Prefer: 'include-unknown-enum-members' };

const pageSchema = z.object({
  value: z.array(graphIncidentSchema),
  '@odata.nextLink': z.string().nullish(),
});

const commentsSchema = z.object({ value: z.array(graphCommentSchema) });

export interface ListIncidentsOptions {
  /** Only incidents with lastUpdateDateTime >= this instant (the watcher's watermark). */
  updatedSince?: Date | string;
  /** Page size ($top); Graph documents no maximum, so pages are followed regardless. */
  pageSize?: number;
  /** Default `lastUpdateDateTime asc`, so a watermark can advance page by page. */
  orderBy?: string;
}

export interface IncidentPage {
  incidents: Incident[];
  /** Present while Graph has more pages. */
  nextLink?: string;
}

/** Who waits for the call (defender-http-client.ts); default background. */
export interface CallOptions {
  lane?: CallLane;
  /** Abandons the call when aborted (a shutdown): a wait for its turn, a retry, the request. */
  signal?: AbortSignal;
}

export interface IncidentWithAlerts {
  incident: Incident;
  alerts: IncidentAlert[];
}

/** Fields Graph lets a PATCH change; values are sent camelCase. */
export interface IncidentUpdate {
  status?: IncidentStatus;
  assignedTo?: string | null;
  classification?: Classification;
  determination?: Determination;
  customTags?: string[];
}

export class GraphIncidentsClient {
  constructor(
    private readonly http: DefenderHttpClient,
    readonly tenantId: string,
  ) {}

  /** One page; pass the previous page's nextLink to get the next. */
  async listPage(options: ListIncidentsOptions = {}, nextLink?: string): Promise<IncidentPage> {
    const page = await this.http.send({
      method: 'GET',
      path: nextLink ?? INCIDENTS,
      query: nextLink === undefined ? listQuery(options) : undefined,
      headers: PREFER,
      schema: pageSchema,
      permission: PERMISSION,
    });
    const result: IncidentPage = {
      incidents: page.value.map((raw) => toIncident(raw, this.tenantId)),
    };
    if (page['@odata.nextLink']) result.nextLink = page['@odata.nextLink'];
    return result;
  }

  /** Every page, lazily. */
  async *pages(options: ListIncidentsOptions = {}): AsyncGenerator<IncidentPage> {
    let nextLink: string | undefined;
    do {
      const page = await this.listPage(options, nextLink);
      yield page;
      nextLink = page.nextLink;
    } while (nextLink !== undefined);
  }

  /** All matching incidents, every page collected. */
  async listIncidents(options: ListIncidentsOptions = {}): Promise<Incident[]> {
    const all: Incident[] = [];
    for await (const page of this.pages(options)) all.push(...page.incidents);
    return all;
  }

  async getIncident(incidentId: string, options: CallOptions = {}): Promise<IncidentWithAlerts> {
    const raw = await this.http.send({
      ...options,
      method: 'GET',
      path: incidentPath(incidentId),
      query: { $expand: 'alerts' },
      headers: PREFER,
      schema: graphIncidentSchema,
      permission: PERMISSION,
      notFound: { entity: 'incident', id: incidentId },
    });
    return {
      incident: toIncident(raw, this.tenantId),
      alerts: (raw.alerts ?? []).map(toIncidentAlert),
    };
  }

  /** PATCH; returns the updated incident (Graph answers 200 with it). */
  async updateIncident(
    incidentId: string,
    update: IncidentUpdate,
    options: CallOptions = {},
  ): Promise<Incident> {
    const body: Record<string, unknown> = {};
    for (const key of [
      'status',
      'assignedTo',
      'classification',
      'determination',
      'customTags',
    ] as const) {
      if (update[key] !== undefined) body[key] = update[key];
    }
    const raw = await this.http.send({
      ...options,
      method: 'PATCH',
      path: incidentPath(incidentId),
      body,
      headers: PREFER,
      schema: graphIncidentSchema.optional(),
      permission: PERMISSION,
      notFound: { entity: 'incident', id: incidentId },
    });
    if (raw !== undefined) return toIncident(raw, this.tenantId);
    // Some Graph deployments answer 204; read the incident back instead.
    return (await this.getIncident(incidentId, options)).incident;
  }

  /** Adds a comment; returns the incident's full comment list (Graph returns it). */
  async addComment(
    incidentId: string,
    comment: string,
    options: CallOptions = {},
  ): Promise<IncidentComment[]> {
    const result = await this.http.send({
      ...options,
      method: 'POST',
      path: `${incidentPath(incidentId)}/comments`,
      body: { '@odata.type': 'microsoft.graph.security.alertComment', comment },
      headers: PREFER,
      schema: commentsSchema,
      permission: PERMISSION,
      notFound: { entity: 'incident', id: incidentId },
      // A repeated POST would add the comment twice.
      idempotent: false,
    });
    return result.value.map(toComment);
  }
}

function incidentPath(incidentId: string): string {
  return `${INCIDENTS}/${encodeURIComponent(incidentId)}`;
}

function listQuery(options: ListIncidentsOptions): Record<string, string | number | undefined> {
  const since =
    options.updatedSince === undefined ? undefined : new Date(options.updatedSince).toISOString();
  return {
    $filter: since === undefined ? undefined : `lastUpdateDateTime ge ${since}`,
    $orderby: options.orderBy ?? 'lastUpdateDateTime asc',
    $top: options.pageSize,
  };
}
