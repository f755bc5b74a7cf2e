// What the report is computed from: one customer tenant's stored history, as plain domain data.
// The service reads it from the store (see docs in the report's commit and `history-from-store.ts`
// for the parts that today have to be derived); the report function never does I/O.
import { isHandledByExperts } from '../incident.ts';
import type {
  Classification,
  Determination,
  Incident,
  IncidentStatus,
  Severity,
} from '../incident.ts';
import type { ManagedResponse } from '../managed-response.ts';
import type { ActionKind, ActionStatus, DeviceTarget } from '../response-action.ts';

/** An incident as last seen by the watcher (its snapshot), reduced to what the report reads. */
export interface ReportIncident {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  assignedTo: string | null;
  classification: Classification;
  determination: Determination;
  createdAt: string;
  lastUpdatedAt: string;
  /** Tagged "Defender Experts" or assigned to them (isHandledByExperts on the snapshot). */
  handledByExperts: boolean;
  /** Graph's incidentWebUrl; '' when unknown (the report then builds the portal link). */
  webUrl: string;
}

/**
 * One stretch of Awaiting Customer Action: from the hand-over to the customer until the hand-back
 * to the experts. `end` is absent while it lasts (or when the hand-back was never recorded).
 */
export interface AwaitingPeriod {
  incidentId: string;
  start: string;
  end?: string;
}

/** A response action with its status history (the managed response's record of it). */
export interface ReportAction {
  incidentId: string;
  id: string;
  kind: ActionKind;
  status: ActionStatus;
  /** Every status change, oldest first: the outcome times come from here. */
  history: readonly { at: string; to: ActionStatus }[];
  /** The device a one-click action targets (isolation and restriction are per device). */
  device?: DeviceTarget;
}

/** An entry of the managed responses' audit trail (structurally the service's AuditEntry). */
export interface ReportAuditEntry {
  at: string;
  kind: string;
  actor: { userId: string; name: string; via: string };
  incidentId?: string;
  operation?: string;
  result: string;
}

/** A reminder or escalation that reached its recipients. */
export interface SentNotice {
  kind: 'reminder' | 'escalation';
  incidentId: string;
  at: string;
  /** How many people it went to. */
  recipients: number;
}

export interface ReportHistory {
  tenantId: string;
  /** The customer organisation, e.g. "Contoso". */
  tenantName: string;
  incidents: readonly ReportIncident[];
  awaitingPeriods: readonly AwaitingPeriod[];
  actions: readonly ReportAction[];
  audit: readonly ReportAuditEntry[];
  notices: readonly SentNotice[];
}

export function reportIncident(incident: Incident): ReportIncident {
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    assignedTo: incident.assignedTo,
    classification: incident.classification,
    determination: incident.determination,
    createdAt: incident.createdAt,
    lastUpdatedAt: incident.lastUpdatedAt,
    handledByExperts: isHandledByExperts(incident),
    webUrl: incident.webUrl,
  };
}

export function reportActions(response: ManagedResponse): ReportAction[] {
  return response.actions.map((action) => {
    const target = action.kind === 'manual' ? undefined : action.target;
    const device =
      target && target.kind !== 'none'
        ? { deviceId: target.deviceId, deviceName: target.deviceName }
        : undefined;
    return {
      incidentId: response.incidentId,
      id: action.id,
      kind: action.kind,
      status: action.status,
      history: action.history.map((entry) => ({ at: entry.at, to: entry.to })),
      ...(device ? { device } : {}),
    };
  });
}
