// When each incident started awaiting the customer, which reminders went out, and who is on it
// (claim): the awaiting queue sorts by it and the reminder schedule counts from it.
import type { IncidentClaim } from '../../domain/incident-claim.ts';
import { isAwaitingCustomer, type Incident } from '../../domain/incident.ts';
import type { Store, WriteOp } from '../../store/store.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';

export const AWAITING = 'awaiting';

export interface AwaitingRecord {
  tenantId: string;
  incidentId: string;
  since: string;
  remindersSent: number;
  escalated: boolean;
  /** "I'm on it": who took the incident, while it awaits the customer (ends with the period). */
  claim?: IncidentClaim;
}

export function awaitingKey(tenantId: string, incidentId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}`;
}

export class AwaitingTracker {
  constructor(
    private readonly store: Store,
    private readonly incidents: IncidentDirectory,
  ) {}

  /** Ops that start or end the awaiting period according to the incident's state now. */
  async trackOps(event: OutboxEvent, current: Incident): Promise<WriteOp[]> {
    const k = awaitingKey(event.tenantId, event.incidentId);
    const existing = await this.store.get<AwaitingRecord>(AWAITING, k);
    if (isAwaitingCustomer(current)) {
      if (existing) return [];
      const value: AwaitingRecord = {
        tenantId: event.tenantId,
        incidentId: event.incidentId,
        since: event.detectedAt,
        remindersSent: 0,
        escalated: false,
      };
      return [{ kind: 'put', collection: AWAITING, key: k, value, expectedVersion: 0 }];
    }
    return existing
      ? [{ kind: 'delete', collection: AWAITING, key: k, expectedVersion: existing.version }]
      : [];
  }

  /** Incidents handled by the experts that await this tenant now, with when they started to. */
  async list(
    tenantId: string,
  ): Promise<{ incident: Incident; since: string; version: number; record: AwaitingRecord }[]> {
    const [records, incidents] = await Promise.all([
      this.store.list<AwaitingRecord>(AWAITING, { prefix: `${tenantId.toLowerCase()}:` }),
      this.incidents.listAwaiting(tenantId),
    ]);
    const byIncident = new Map(records.map((r) => [r.value.incidentId, r]));
    const result = [];
    for (const incident of incidents) {
      const record = byIncident.get(incident.id);
      result.push({
        incident,
        since: record?.value.since ?? incident.lastUpdatedAt,
        version: record?.version ?? 0,
        record: record?.value ?? {
          tenantId,
          incidentId: incident.id,
          since: incident.lastUpdatedAt,
          remindersSent: 0,
          escalated: false,
        },
      });
    }
    return result;
  }

  /** As many as list() returns, from the awaiting index: no snapshot read. */
  async count(tenantId: string): Promise<number> {
    return this.incidents.countAwaiting(tenantId);
  }

  /** One incident's awaiting record (its claim), read by key: not the tenant's whole list. */
  async record(tenantId: string, incidentId: string): Promise<AwaitingRecord | undefined> {
    return (await this.store.get<AwaitingRecord>(AWAITING, awaitingKey(tenantId, incidentId)))
      ?.value;
  }

  async update(record: AwaitingRecord, expectedVersion: number): Promise<void> {
    await this.store.put(
      AWAITING,
      awaitingKey(record.tenantId, record.incidentId),
      record,
      expectedVersion || undefined,
    );
  }
}
