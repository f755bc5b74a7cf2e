import type { ResponseAction } from './response-action.ts';
import type { Severity } from './incident.ts';

export interface TimelineEntry {
  at: string;
  device: string;
  event: string;
}

export interface Indicator {
  /** e.g. 'file', 'ip', 'url', 'process', 'technique' */
  type: string;
  value: string;
  description?: string;
}

export interface InvestigationSummary {
  headline: string;
  narrative: string;
  severity: Severity;
  potentialImpact: string;
  timeline: TimelineEntry[];
  indicatorsOfAttack: Indicator[];
  indicatorsOfCompromise: Indicator[];
}

/** The experts' managed response for one incident of one customer tenant. */
export interface ManagedResponse {
  tenantId: string;
  incidentId: string;
  summary: InvestigationSummary;
  actions: ResponseAction[];
  publishedAt: string;
  updatedAt: string;
}
