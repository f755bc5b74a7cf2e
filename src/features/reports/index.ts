// Reports, as one feature: the `report` command (report-command.ts) over the figures computed
// from stored history (report-service.ts), and the same figures for the Experts API
// (experts-report.ts), whose route the managed-response feature serves beside the other Experts
// API routes (same authentication and error shapes); build-app.ts hands it `forExperts`.
import type { Command, Feature } from '../../app/feature.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Report } from '../../domain/report/report.ts';
import { expertsReport, type ReportRange } from './experts-report.ts';
import { reportCommand } from './report-command.ts';
import { ReportService, type ReportSources } from './report-service.ts';

export interface ReportsFeatureDeps {
  sources: ReportSources;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  now: Clock;
}

export interface ReportsFeature extends Feature {
  readonly name: 'reports';
  commands: Command[];
  service: ReportService;
  /** The report over a range, for the Experts API: NOT_FOUND or INVALID_INPUT when it cannot be. */
  forExperts(tenantId: string, range: ReportRange): Promise<Report>;
}

export function reportsFeature(deps: ReportsFeatureDeps): ReportsFeature {
  const service = new ReportService(deps.sources, deps.now);
  return {
    name: 'reports',
    commands: [reportCommand({ tenantOf: deps.tenantOf, reports: service })],
    service,
    forExperts: (tenantId, range) =>
      expertsReport({ tenantOf: deps.tenantOf, reports: service, now: deps.now }, tenantId, range),
  };
}
