// Reports, as one feature: the `report` command (report-command.ts) over the figures computed
// from stored history (report-service.ts). The Experts API route for the same figures is served
// by the managed-response feature's routes, which take `service` from build-app.ts.
import type { Command, Feature } from '../../app/feature.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
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
}

export function reportsFeature(deps: ReportsFeatureDeps): ReportsFeature {
  const service = new ReportService(deps.sources, deps.now);
  return {
    name: 'reports',
    commands: [reportCommand({ tenantOf: deps.tenantOf, reports: service })],
    service,
  };
}
