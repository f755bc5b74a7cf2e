// The report over an explicit [from, to) for the Experts API (GET /api/v1/tenants/{t}/report):
// `to` defaults to now and `from` to 7 days before `to`; a period longer than a report covers, or
// one that ends before it begins, is refused (InvalidInputError: 400), an unknown tenant is
// NOT_FOUND (404). The figures are the ones the report card shows.
import { DomainError, InvalidInputError } from '../../domain/errors.ts';
import { DAY_MS, MAX_ROLLING_DAYS } from '../../domain/report/report-period.ts';
import type { Report } from '../../domain/report/report.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ReportService } from './report-service.ts';

export interface ReportRange {
  /** ISO instants; both optional. */
  from?: string;
  to?: string;
}

export interface ExpertsReportDeps {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  reports: Pick<ReportService, 'report'>;
  now: Clock;
}

const DEFAULT_DAYS = 7;

export async function expertsReport(
  deps: ExpertsReportDeps,
  tenantId: string,
  range: ReportRange,
): Promise<Report> {
  const tenant = deps.tenantOf(tenantId);
  if (!tenant) {
    throw new DomainError('NOT_FOUND', `Tenant ${tenantId} is not protected by this service.`);
  }
  const toMs = range.to === undefined ? deps.now().getTime() : instant('to', range.to);
  const fromMs =
    range.from === undefined ? toMs - DEFAULT_DAYS * DAY_MS : instant('from', range.from);
  if (fromMs >= toMs) throw new InvalidInputError('"from" must be before "to".');
  if (toMs - fromMs > MAX_ROLLING_DAYS * DAY_MS) {
    throw new InvalidInputError(`A report covers at most ${MAX_ROLLING_DAYS} days.`);
  }
  return deps.reports.report(tenant, {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
  });
}

function instant(name: 'from' | 'to', value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidInputError(`"${name}" is not a date: ${value}.`);
  return ms;
}
