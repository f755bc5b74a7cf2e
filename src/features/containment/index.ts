// Still contained, as one feature: the reminder that a device a managed response isolated (or
// app-restricted) is still cut off, sent to the incident's primary contacts and SOC channels once
// per period (CONTAINMENT_REMINDER_HOURS, or the tenant's containmentReminderHours), with Release
// from isolation (confirmed in the card, then the managed response's undo path through the
// `release` port) and Keep isolated (here). It stops when the device is released, by our undo
// or in the Defender portal.
//
// containment-reminders.ts (the scheduler) → reminder-store.ts (durable record, CAS) →
// reminder-jobs.ts (cards/still-contained.json through the delivery engine); keep-contained.ts;
// release-contained.ts (Release with its confirmation inside the card, through the undo port).
import { z } from 'zod';
import { withData, type CardActionHandler, type Feature } from '../../app/feature.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { Store } from '../../store/store.ts';
import {
  ContainmentReminders,
  type ContainmentDefender,
  type TickOutcome,
} from './containment-reminders.ts';
import { keepContained, type ContainmentAuditEntry } from './keep-contained.ts';
import { releaseContained, type ReleasePort, type ReleaseVerb } from './release-contained.ts';

export { CONTAINMENT_REMINDERS } from './reminder-store.ts';
export type { ContainmentAuditEntry } from './keep-contained.ts';
export type { ReleaseOutcome, ReleasePort } from './release-contained.ts';

export interface ContainmentFeatureDeps {
  store: Store;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake'>;
  responses: Pick<ManagedResponseRepository, 'get' | 'listForTenant'>;
  incidents: Pick<IncidentDirectory, 'get'>;
  /** The tenants whose rounds this instance sends (with several instances: the owned ones). */
  tenants: () => readonly CustomerTenant[];
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  defender: ContainmentDefender;
  /** CONTAINMENT_REMINDER_HOURS; a tenant's containmentReminderHours wins. */
  reminderHours: number;
  /** Tests: the period in ms, whatever the hours say. */
  periodMs?: number;
  /** The managed response's undo (Release from isolation confirmed on the reminder card). */
  release?: ReleasePort;
  /** The managed response's audit trail (Keep isolated and its refusals). */
  audit?: (entry: ContainmentAuditEntry) => Promise<void>;
  now: Clock;
  logger: Logger;
  /** How often due reminders are looked for (60 s; shorter for periods under 10 min). */
  intervalMs?: number;
}

export interface ContainmentFeature extends Feature {
  readonly name: 'containment';
  cardActions: Record<'keepContained' | ReleaseVerb, CardActionHandler>;
  reminders: ContainmentReminders;
  /** One pass of the scheduler (tests). */
  tick(): Promise<TickOutcome>;
  /**
   * A pass now, in the background unless one runs (a tenant just gained: its due rounds are sent
   * without waiting for the timer).
   */
  wake(): void;
  start(): void;
  stop(): Promise<void>;
}

const id = z.string().trim().min(1).max(128);
const keepData = z.object({ incidentId: id, actionId: id });
const outOfDate = {
  title: 'This card is out of date',
  text: 'The button did not say which device it is for. Open the managed response again.',
};

export function containmentFeature(deps: ContainmentFeatureDeps): ContainmentFeature {
  const periodMs = (tenant: CustomerTenant) =>
    deps.periodMs ?? (tenant.containmentReminderHours ?? deps.reminderHours) * 3_600_000;
  const reminders = new ContainmentReminders({ ...deps, periodMs });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  // Aborted by stop(): a round waiting for Defender's rate limit is abandoned, not waited for.
  let stopping = new AbortController();
  const tick = () => reminders.tick(stopping.signal);
  const wake = () => {
    running ??= tick()
      .catch((err: unknown) => deps.logger.warn({ err }, 'containment reminders failed'))
      .finally(() => (running = undefined));
  };
  const release = (verb: ReleaseVerb): CardActionHandler =>
    withData(keepData, outOfDate, async (ctx, ids) =>
      releaseContained({ ...deps, records: reminders.records }, verb, ctx.from, ids),
    );
  return {
    name: 'containment',
    reminders,
    cardActions: {
      keepContained: withData(keepData, outOfDate, async (ctx, ids) =>
        keepContained({ ...deps, records: reminders.records, periodMs }, ctx.from, ids),
      ),
      requestRelease: release('requestRelease'),
      confirmRelease: release('confirmRelease'),
      cancelRelease: release('cancelRelease'),
    },
    tick,
    wake,
    start() {
      if (stopping.signal.aborted) stopping = new AbortController();
      timer ??= setInterval(wake, deps.intervalMs ?? tickInterval(deps.reminderHours));
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      stopping.abort(new Error('stopping'));
      await running;
    },
  };
}

/** Every minute, or a tenth of a short period (a demo's minutes), but at most once a second. */
function tickInterval(reminderHours: number): number {
  return Math.min(60_000, Math.max(1_000, (reminderHours * 3_600_000) / 10));
}
