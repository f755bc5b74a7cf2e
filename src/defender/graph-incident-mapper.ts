// Graph security incidents and alerts → domain types. Graph's samples disagree on enum casing,
// comment field names and customTags vs tags, so the schemas are lenient and the mapping accepts
// every documented variant; enum values are compared case-insensitively.
import { z } from 'zod';
import {
  classifications,
  determinations,
  incidentStatuses,
  parseEnum,
  severities,
  type Incident,
  type IncidentComment,
  type Severity,
} from '../domain/incident.ts';
import type { DeviceTarget } from '../domain/response-action.ts';

const optionalText = z.string().nullish();
const stringList = z.array(z.string()).nullish();

export const graphCommentSchema = z.object({
  comment: z.string().nullish(),
  createdByDisplayName: optionalText,
  createdDateTime: optionalText,
  createdBy: optionalText,
  createdTime: optionalText,
});

/** Graph v1.0 alert evidence (deviceEvidence, fileEvidence) and the older devices/entities. */
const evidenceSchema = z.looseObject({
  '@odata.type': optionalText,
  mdeDeviceId: optionalText,
  deviceDnsName: optionalText,
  hostName: optionalText,
  fileDetails: z
    .object({ sha1: optionalText, sha256: optionalText, fileName: optionalText })
    .nullish(),
});

const legacyDeviceSchema = z.looseObject({
  deviceId: optionalText,
  mdeDeviceId: optionalText,
  deviceDnsName: optionalText,
});

const legacyEntitySchema = z.looseObject({
  entityType: optionalText,
  sha1: optionalText,
  sha256: optionalText,
  fileName: optionalText,
  deviceId: optionalText,
});

export const graphAlertSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  title: optionalText,
  severity: optionalText,
  status: optionalText,
  createdDateTime: optionalText,
  evidence: z.array(evidenceSchema).nullish(),
  devices: z.array(legacyDeviceSchema).nullish(),
  entities: z.array(legacyEntitySchema).nullish(),
});
export type GraphAlert = z.infer<typeof graphAlertSchema>;

export const graphIncidentSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  tenantId: optionalText,
  displayName: optionalText,
  description: optionalText,
  createdDateTime: optionalText,
  lastUpdateDateTime: optionalText,
  assignedTo: optionalText,
  classification: optionalText,
  determination: optionalText,
  severity: optionalText,
  status: optionalText,
  customTags: stringList,
  tags: stringList,
  systemTags: stringList,
  comments: z.array(graphCommentSchema).nullish(),
  incidentWebUrl: optionalText,
  redirectIncidentId: z.union([z.string(), z.number()]).nullish(),
  alerts: z.array(graphAlertSchema).nullish(),
});
export type GraphIncident = z.infer<typeof graphIncidentSchema>;

export interface AlertFile {
  sha1: string;
  sha256?: string;
  fileName: string;
  /** Device the file was seen on, when the alert says. */
  deviceId?: string;
}

/** What the experts' actions can target in an alert: devices and files (by SHA-1). */
export interface IncidentAlert {
  id: string;
  title: string;
  severity: Severity;
  createdAt?: string;
  devices: DeviceTarget[];
  files: AlertFile[];
}

export function toIncident(raw: GraphIncident, fallbackTenantId: string): Incident {
  const incident: Incident = {
    id: raw.id,
    tenantId: raw.tenantId ?? fallbackTenantId,
    title: raw.displayName ?? `Incident ${raw.id}`,
    severity: parseEnum(severities, raw.severity, 'unknown'),
    status: parseEnum(incidentStatuses, raw.status, 'unknownFutureValue'),
    assignedTo: raw.assignedTo ? raw.assignedTo : null,
    classification: parseEnum(classifications, raw.classification, 'unknown'),
    determination: parseEnum(determinations, raw.determination, 'unknown'),
    customTags: raw.customTags ?? raw.tags ?? [],
    systemTags: raw.systemTags ?? [],
    webUrl: raw.incidentWebUrl ?? '',
    createdAt: raw.createdDateTime ?? '',
    lastUpdatedAt: raw.lastUpdateDateTime ?? raw.createdDateTime ?? '',
    comments: (raw.comments ?? []).map(toComment),
  };
  if (raw.description) incident.description = raw.description;
  if (raw.redirectIncidentId !== null && raw.redirectIncidentId !== undefined) {
    incident.redirectIncidentId = String(raw.redirectIncidentId);
  }
  return incident;
}

export function toComment(raw: z.infer<typeof graphCommentSchema>): IncidentComment {
  return {
    comment: raw.comment ?? '',
    createdBy: raw.createdByDisplayName ?? raw.createdBy ?? '',
    createdAt: raw.createdDateTime ?? raw.createdTime ?? '',
  };
}

export function toIncidentAlert(raw: GraphAlert): IncidentAlert {
  const devices = new Map<string, DeviceTarget>();
  const files = new Map<string, AlertFile>();
  const addDevice = (id: string | null | undefined, name: string | null | undefined): void => {
    if (!id) return;
    const key = id.toLowerCase();
    const known = devices.get(key);
    if (!known || known.deviceName === id)
      devices.set(key, { deviceId: id, deviceName: name || id });
  };
  const addFile = (file: {
    sha1?: string | null | undefined;
    sha256?: string | null | undefined;
    fileName?: string | null | undefined;
    deviceId?: string | null | undefined;
  }): void => {
    if (!file.sha1) return;
    const key = file.sha1.toLowerCase();
    if (files.has(key)) return;
    const entry: AlertFile = { sha1: file.sha1, fileName: file.fileName || file.sha1 };
    if (file.sha256) entry.sha256 = file.sha256;
    if (file.deviceId) entry.deviceId = file.deviceId;
    files.set(key, entry);
  };

  for (const ev of raw.evidence ?? []) {
    const type = (ev['@odata.type'] ?? '').toLowerCase();
    if (type.endsWith('deviceevidence')) addDevice(ev.mdeDeviceId, ev.deviceDnsName ?? ev.hostName);
    if (type.endsWith('fileevidence') && ev.fileDetails) {
      addFile({ ...ev.fileDetails, deviceId: ev.mdeDeviceId });
    }
  }
  for (const d of raw.devices ?? []) addDevice(d.deviceId ?? d.mdeDeviceId, d.deviceDnsName);
  for (const e of raw.entities ?? []) {
    if ((e.entityType ?? '').toLowerCase() === 'file') addFile(e);
  }

  const alert: IncidentAlert = {
    id: raw.id,
    title: raw.title ?? `Alert ${raw.id}`,
    severity: parseEnum(severities, raw.severity, 'unknown'),
    devices: [...devices.values()],
    files: [...files.values()],
  };
  if (raw.createdDateTime) alert.createdAt = raw.createdDateTime;
  return alert;
}
