// A tenant's report from what the service has stored: incident snapshots, managed responses, the
// managed-response audit trail, the open awaiting records and the delivery records. The parts not
// recorded as such (awaiting periods, reminders sent) are derived (history-from-store.ts).
import { buildReport } from '../../domain/report/build-report.ts';
import {
  awaitingPeriodsFromAudit,
  noticesFromDeliveries,
} from '../../domain/report/history-from-store.ts';
import {
  reportActions,
  type AwaitingPeriod,
  reportIncident,
  type ReportAuditEntry,
  type ReportHistory,
} from '../../domain/report/report-history.ts';
import {
  resolveReportPeriod,
  type ReportPeriod,
  type ReportPeriodSpec,
} from '../../domain/report/report-period.ts';
import type { Report } from '../../domain/report/report.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { mergeAwaitingPeriods } from './awaiting-periods.ts';

/** Where the history is read from; build-app.ts wires the other features' stores in. */
export interface ReportSources {
  incidents: Pick<IncidentDirectory, 'listForTenant'>;
  responses: Pick<ManagedResponseRepository, 'listForTenant'>;
  /** The managed-response audit trail of one tenant, oldest first. */
  audit(tenantId: string): Promise<readonly ReportAuditEntry[]>;
  /** Incidents awaiting the tenant now, with when they started to. */
  awaiting(tenantId: string): Promise<readonly { incidentId: string; since: string }[]>;
  /** Awaiting periods recorded from the incident events (awaiting-periods.ts). */
  recordedAwaiting(tenantId: string): Promise<readonly AwaitingPeriod[]>;
  /** Every delivered job (reminders and escalations are found among them). */
  deliveries(): Promise<readonly { jobId: string; deliveredAt: string }[]>;
}

export class ReportService {
  constructor(
    private readonly sources: ReportSources,
    private readonly now: Clock,
  ) {}

  async history(tenant: CustomerTenant): Promise<ReportHistory> {
    const { tenantId } = tenant;
    const [incidents, responses, audit, awaiting, recorded, deliveries] = await Promise.all([
      this.sources.incidents.listForTenant(tenantId),
      this.sources.responses.listForTenant(tenantId),
      this.sources.audit(tenantId),
      this.sources.awaiting(tenantId),
      this.sources.recordedAwaiting(tenantId),
      this.sources.deliveries(),
    ]);
    return {
      tenantId,
      tenantName: tenant.name,
      incidents: incidents.map(reportIncident),
      awaitingPeriods: mergeAwaitingPeriods(recorded, awaitingPeriodsFromAudit(audit, awaiting)),
      actions: responses.flatMap(reportActions),
      audit,
      notices: noticesFromDeliveries(deliveries, tenantId),
    };
  }

  /** The period a spec means now, on the tenant's clock (its timeZone; UTC when it has none). */
  period(tenant: CustomerTenant, spec: ReportPeriodSpec): ReportPeriod {
    return resolveReportPeriod(spec, this.now(), tenant.timeZone);
  }

  /** The report over [from, to); throws InvalidInputError on a bad period. */
  async report(
    tenant: CustomerTenant,
    period: Pick<ReportPeriod, 'from' | 'to'> & Partial<ReportPeriod>,
  ): Promise<Report> {
    const history = await this.history(tenant);
    const timeZone = period.timeZone ?? tenant.timeZone;
    return buildReport(history, {
      from: period.from,
      to: period.to,
      now: this.now().toISOString(),
      ...(timeZone ? { timeZone } : {}),
      ...(period.calendar ? { calendar: period.calendar } : {}),
    });
  }
}
