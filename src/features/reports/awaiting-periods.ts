// When each incident entered and left Awaiting Customer Action, recorded from the incident events
// (the watcher's outbox, via onIncidentEvent) so hand-back times no longer depend on the audit
// trail alone: a hand-over made in Defender by the experts, and an end of any kind (hand-back,
// the experts taking it back, resolution), are kept. One record per incident (collection
// `reportAwaitingPeriods`), changed by compare-and-set; an event seen twice changes nothing.
import { isAwaitingCustomer, isHandledByExperts } from '../../domain/incident.ts';
import type { AwaitingPeriod } from '../../domain/report/report-history.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';

export const REPORT_AWAITING_PERIODS = 'reportAwaitingPeriods';

export interface AwaitingPeriodsRecord {
  tenantId: string;
  incidentId: string;
  /** Oldest first; only the last may be open. */
  periods: { start: string; end?: string }[];
}

const MAX_ATTEMPTS = 5;

export class AwaitingPeriods {
  constructor(private readonly store: Store) {}

  async record(event: OutboxEvent): Promise<void> {
    const key = `${event.tenantId.toLowerCase()}:${event.incidentId}`;
    for (let attempt = 1; ; attempt++) {
      const stored = await this.store.get<AwaitingPeriodsRecord>(REPORT_AWAITING_PERIODS, key);
      const next = nextRecord(stored?.value, event);
      if (!next) return;
      try {
        await this.store.put(REPORT_AWAITING_PERIODS, key, next, stored?.version ?? 0);
        return;
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** The tenant's recorded periods. */
  async list(tenantId: string): Promise<AwaitingPeriod[]> {
    const records = await this.store.list<AwaitingPeriodsRecord>(REPORT_AWAITING_PERIODS, {
      prefix: `${tenantId.toLowerCase()}:`,
    });
    return records.flatMap(({ value }) =>
      value.periods.map((p) => ({ incidentId: value.incidentId, ...p })),
    );
  }
}

/** The record after the event, or undefined when the event changes nothing. */
export function nextRecord(
  current: AwaitingPeriodsRecord | undefined,
  event: OutboxEvent,
): AwaitingPeriodsRecord | undefined {
  const periods = current?.periods ?? [];
  const last = periods.at(-1);
  const open = last !== undefined && last.end === undefined;
  const at = event.detectedAt;
  // An event older than what is recorded (a late redelivery) must not reorder the periods.
  if (last && Date.parse(at) < Date.parse(last.end ?? last.start)) return undefined;
  const awaiting = isAwaitingCustomer(event.incident) && isHandledByExperts(event.incident);
  if (awaiting === open) return undefined;
  const base = { tenantId: event.tenantId, incidentId: event.incidentId };
  if (awaiting) return { ...base, periods: [...periods, { start: at }] };
  return { ...base, periods: [...periods.slice(0, -1), { start: last?.start ?? at, end: at }] };
}

/**
 * Recorded periods where there are any for an incident (and the derived ones that ended before
 * its first recorded start, from before recording began); derived ones for the other incidents.
 */
export function mergeAwaitingPeriods(
  recorded: readonly AwaitingPeriod[],
  derived: readonly AwaitingPeriod[],
): AwaitingPeriod[] {
  const firstStart = new Map<string, number>();
  for (const p of recorded) {
    const ms = Date.parse(p.start);
    firstStart.set(p.incidentId, Math.min(ms, firstStart.get(p.incidentId) ?? Infinity));
  }
  const older = derived.filter((p) => {
    const first = firstStart.get(p.incidentId);
    return first === undefined || (p.end !== undefined && Date.parse(p.end) <= first);
  });
  return [...older, ...recorded];
}
