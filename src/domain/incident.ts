// The incident as the MDR service sees it: Graph security incident fields, named in our words.
// Pure domain: no SDK, no I/O. Enum values are camelCase Graph names; parse case-insensitively.

export const incidentStatuses = [
  'active',
  'inProgress',
  'awaitingAction',
  'resolved',
  'redirected',
  'unknownFutureValue',
] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const severities = [
  'unknown',
  'informational',
  'low',
  'medium',
  'high',
  'unknownFutureValue',
] as const;
export type Severity = (typeof severities)[number];

export const classifications = [
  'unknown',
  'falsePositive',
  'truePositive',
  'informationalExpectedActivity',
  'unknownFutureValue',
] as const;
export type Classification = (typeof classifications)[number];

// Graph metadata names plus the older names the docs still show (accepted when parsing).
export const determinations = [
  'unknown',
  'apt',
  'malware',
  'securityPersonnel',
  'securityTesting',
  'unwantedSoftware',
  'other',
  'multiStagedAttack',
  'compromisedAccount',
  'phishing',
  'maliciousUserActivity',
  'notMalicious',
  'notEnoughDataToValidate',
  'confirmedActivity',
  'lineOfBusinessApplication',
  'compromisedUser',
  'clean',
  'insufficientData',
  'confirmedUserActivity',
  'unknownFutureValue',
] as const;
export type Determination = (typeof determinations)[number];

/** assignedTo values used by the service (free text in Graph). */
export const EXPERTS_ASSIGNEE = 'Defender Experts';
export const CUSTOMER_ASSIGNEE = 'Customer';
/** systemTags / customTags marker of incidents the experts handle. */
export const EXPERTS_TAG = 'Defender Experts';

export interface IncidentComment {
  comment: string;
  createdBy: string;
  createdAt: string;
}

export interface Incident {
  /** Graph incident id (numeric string). */
  id: string;
  /** Customer tenant (Entra tenant id). */
  tenantId: string;
  title: string;
  description?: string;
  severity: Severity;
  status: IncidentStatus;
  /** Free text; null when unassigned. */
  assignedTo: string | null;
  classification: Classification;
  determination: Determination;
  customTags: string[];
  systemTags: string[];
  webUrl: string;
  createdAt: string;
  lastUpdatedAt: string;
  redirectIncidentId?: string;
  comments: IncidentComment[];
}

/** Case-insensitive parse of a Graph enum value; unknown values map to `fallback`. */
export function parseEnum<T extends string>(values: readonly T[], raw: unknown, fallback: T): T {
  if (typeof raw !== 'string') return fallback;
  const lower = raw.toLowerCase();
  return values.find((v) => v.toLowerCase() === lower) ?? fallback;
}

export function sameValue(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

export function isHandledByExperts(
  incident: Pick<Incident, 'customTags' | 'systemTags' | 'assignedTo'>,
): boolean {
  return (
    [...incident.systemTags, ...incident.customTags].some((t) => sameValue(t, EXPERTS_TAG)) ||
    sameValue(incident.assignedTo, EXPERTS_ASSIGNEE)
  );
}

/**
 * Awaiting Customer Action: the experts handed the incident to the customer. Graph's status says so
 * only when the request asked for unknown enum members, so an open incident assigned to
 * "Customer" counts too. Compared case-insensitively: Graph samples mix PascalCase and camelCase.
 */
export function isAwaitingCustomer(incident: Pick<Incident, 'status' | 'assignedTo'>): boolean {
  if (sameValue(incident.status, 'awaitingAction')) return true;
  const closed = sameValue(incident.status, 'resolved') || sameValue(incident.status, 'redirected');
  return !closed && sameValue(incident.assignedTo, CUSTOMER_ASSIGNEE);
}

/** Resolved or merged: nothing about it can change any more. */
export function isClosed(incident: Pick<Incident, 'status'> | undefined): boolean {
  const status = incident?.status.toLowerCase();
  return status === 'resolved' || status === 'redirected';
}
