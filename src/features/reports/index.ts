// Reports, as one feature: the `report` command (report-command.ts) over the figures computed
// from stored history (report-service.ts), the awaiting periods it records from incident events
// (awaiting-periods.ts), and the same figures for the Experts API
// (experts-report.ts), whose route the managed-response feature serves beside the other Experts
// API routes (same authentication and error shapes); build-app.ts hands it `forExperts`. And the
// opt-in weekly report card in the SOC channels (weekly-reports.ts).
import type { Command, Feature } from '../../app/feature.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Report } from '../../domain/report/report.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Store } from '../../store/store.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';
import { AwaitingPeriods } from './awaiting-periods.ts';
import { expertsReport, type ReportRange } from './experts-report.ts';
import { reportCommand } from './report-command.ts';
import { ReportService, type ReportSources } from './report-service.ts';
import { WeeklyReports, type WeeklyReportsDeps } from './weekly-reports.ts';

export interface ReportsFeatureDeps {
  store: Store;
  delivery: WeeklyReportsDeps['delivery'];
  tenants: () => readonly CustomerTenant[];
  logger: Logger;
  /** How often weekly reports are looked for (default 60 s). */
  weeklyIntervalMs?: number;
  sources: Omit<ReportSources, 'recordedAwaiting'>;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  now: Clock;
}

export interface ReportsFeature extends Feature {
  readonly name: 'reports';
  commands: Command[];
  service: ReportService;
  awaitingPeriods: AwaitingPeriods;
  weekly: WeeklyReports;
  start(): void;
  stop(): Promise<void>;
  /** Records when the incident entered or left Awaiting Customer Action. */
  onIncidentEvent(event: OutboxEvent): Promise<void>;
  /** The report over a range, for the Experts API: NOT_FOUND or INVALID_INPUT when it cannot be. */
  forExperts(tenantId: string, range: ReportRange): Promise<Report>;
}

export function reportsFeature(deps: ReportsFeatureDeps): ReportsFeature {
  const awaitingPeriods = new AwaitingPeriods(deps.store);
  const service = new ReportService(
    { ...deps.sources, recordedAwaiting: (tenantId) => awaitingPeriods.list(tenantId) },
    deps.now,
  );
  const weekly = new WeeklyReports({
    store: deps.store,
    delivery: deps.delivery,
    tenants: deps.tenants,
    reports: service,
    now: deps.now,
    logger: deps.logger.child({ component: 'weekly-reports' }),
    ...(deps.weeklyIntervalMs !== undefined ? { intervalMs: deps.weeklyIntervalMs } : {}),
  });
  return {
    name: 'reports',
    weekly,
    start: () => weekly.start(),
    stop: () => weekly.stop(),
    commands: [reportCommand({ tenantOf: deps.tenantOf, reports: service })],
    service,
    awaitingPeriods,
    onIncidentEvent: (event) => awaitingPeriods.record(event),
    forExperts: (tenantId, range) =>
      expertsReport({ tenantOf: deps.tenantOf, reports: service, now: deps.now }, tenantId, range),
  };
}
