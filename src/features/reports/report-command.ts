// `report`, `report 7d`, `report 30d` (and today, yesterday, [this|last] week|month): the caller's
// organisation's managed response report, in personal chat or a channel. Everyone the tenant's
// role mapping knows (Security Reader and Security Operator alike) may read it: it shows nothing
// the managed response cards do not already show them.
import { renderCard } from '../../../cards/render-card.ts';
import { reportCardData } from '../../../cards/report.ts';
import type { Command } from '../../app/feature.ts';
import { MAX_ROLLING_DAYS, parseReportPeriod } from '../../domain/report/report-period.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { ReportService } from './report-service.ts';

export interface ReportCommandDeps {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  reports: Pick<ReportService, 'period' | 'report'>;
}

export const PERIOD_HELP =
  `Say "report" for the last 7 days, "report 30d" for 1 to ${MAX_ROLLING_DAYS} days, ` +
  'or "report today", "yesterday", "this week", "last week", "this month", "last month".';

export function reportCommand(deps: ReportCommandDeps): Command {
  return {
    name: 'report',
    aliases: ['reports'],
    description: 'Your managed response report: incidents, hand-backs, actions, reminders.',
    example: 'report 30d',
    async run({ from, args, reply, logger }) {
      const tenant = deps.tenantOf(from.tenantId);
      if (!tenant) {
        await reply.text(
          'Your organisation is not onboarded to the managed response service, so there is no report to show.',
        );
        return;
      }
      const spec = parseReportPeriod(args);
      if (!spec) {
        await reply.text(`I did not understand the period "${args}". ${PERIOD_HELP}`);
        return;
      }
      const report = await deps.reports.report(tenant, deps.reports.period(tenant, spec));
      logger.info(
        { tenantId: tenant.tenantId, from: report.period.from, to: report.period.to },
        'report shown',
      );
      const data = reportCardData(report);
      await reply.card(renderCard('report', data), `${data.title} · ${data.periodLabel}`);
    },
  };
}
