// The opt-in weekly report card in each SOC channel of a tenant that sets `weeklyReport` (day and
// hour on its own clock, tenants file). Once the week's send time has passed, last week's report
// (Monday to Monday, tenant time zone) goes to every SOC channel, once per tenant and week across
// restarts and instances: the sent record (collection `reportWeeklySent`, key tenant + week
// start) is created with expectedVersion 0 in the same batch that enqueues the deliveries, so a
// second attempt conflicts and sends nothing. A week the app was down at the send time is sent
// when it is back, during that week; older weeks are not caught up.
import { renderCard } from '../../../cards/render-card.ts';
import { reportCardData } from '../../../cards/report.ts';
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import { resolveReportPeriod } from '../../domain/report/report-period.ts';
import { addDays, localDateOf, startOfLocalDay, weekday } from '../../domain/report/zoned-time.ts';
import { weekdays, type CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { Delivery } from '../../shared/delivery.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';
import type { ReportService } from './report-service.ts';

export const REPORT_WEEKLY_SENT = 'reportWeeklySent';

export interface WeeklyReportsDeps {
  store: Store;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake'>;
  tenants: () => readonly CustomerTenant[];
  reports: Pick<ReportService, 'report'>;
  now: Clock;
  logger: Logger;
  /** How often due reports are looked for (default 60 s). */
  intervalMs?: number;
}

const HOUR_MS = 3_600_000;

export class WeeklyReports {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly deps: WeeklyReportsDeps) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#running ??= this.tick()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'weekly reports failed'))
        .finally(() => (this.#running = undefined));
    }, this.deps.intervalMs ?? 60_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Sends every weekly report that is due; resolves with how many tenants' reports it enqueued. */
  async tick(): Promise<number> {
    let sent = 0;
    for (const tenant of this.deps.tenants()) {
      try {
        if (await this.#sendIfDue(tenant)) sent += 1;
      } catch (err) {
        this.deps.logger.warn({ err, tenantId: tenant.tenantId }, 'weekly report not sent');
      }
    }
    return sent;
  }

  async #sendIfDue(tenant: CustomerTenant): Promise<boolean> {
    const schedule = tenant.weeklyReport;
    if (!schedule || tenant.socChannels.length === 0) return false;
    const now = this.deps.now();
    const timeZone = tenant.timeZone ?? 'UTC';
    if (now.getTime() < sendTimeThisWeek(now.getTime(), timeZone, schedule)) return false;
    const period = resolveReportPeriod(
      { kind: 'calendar', unit: 'week', which: 'previous' },
      now,
      timeZone,
    );
    const key = `${tenant.tenantId.toLowerCase()}:${period.from}`;
    if (await this.deps.store.get(REPORT_WEEKLY_SENT, key)) return false;
    const report = await this.deps.reports.report(tenant, period);
    const data = reportCardData(report);
    const activity = cardActivity(
      renderCard('report', data),
      `${data.title} · ${data.periodLabel}`,
    );
    const createdAt = now.toISOString();
    const jobs: DeliveryJob[] = tenant.socChannels.map((channel) => ({
      id: `weekly-report:${key}:${channel.channelId}`,
      orderingKey: `weekly-report:${tenant.tenantId.toLowerCase()}:${channel.channelId}`,
      target: {
        kind: 'conversation',
        tenantId: tenant.tenantId,
        conversationId: channel.channelId,
      },
      operation: { kind: 'send', activity },
      createdAt,
    }));
    const sentRecord = { tenantId: tenant.tenantId, from: period.from, to: period.to, createdAt };
    try {
      await this.deps.store.batch([
        { kind: 'put', collection: REPORT_WEEKLY_SENT, key, value: sentRecord, expectedVersion: 0 },
        ...this.deps.delivery.enqueueOps(jobs),
      ]);
    } catch (err) {
      if (err instanceof StoreConflictError) return false; // another instance sent it
      throw err;
    }
    this.deps.delivery.wake();
    this.deps.logger.info({ tenantId: tenant.tenantId, from: period.from }, 'weekly report sent');
    return true;
  }
}

/** This week's (Monday-based, local) send instant: the configured day at the configured hour. */
export function sendTimeThisWeek(
  nowMs: number,
  timeZone: string,
  schedule: NonNullable<CustomerTenant['weeklyReport']>,
): number {
  const today = localDateOf(nowMs, timeZone);
  const monday = addDays(today, 1 - weekday(today));
  const day = addDays(monday, weekdays.indexOf(schedule.day));
  // Local midnight plus the hour: an hour off on the night clocks change, which is fine here.
  return startOfLocalDay(day, timeZone) + schedule.hour * HOUR_MS;
}
