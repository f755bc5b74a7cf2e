// Read access to the incidents the watcher has seen (its snapshots), for queues and cards.
import type { Incident } from '../domain/incident.ts';
import type { Store } from '../store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../watcher/incident-snapshots.ts';

export class IncidentDirectory {
  constructor(private readonly store: Store) {}

  async get(tenantId: string, incidentId: string): Promise<Incident | undefined> {
    return (await this.store.get<Incident>(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, incidentId)))
      ?.value;
  }

  /**
   * How many of the tenant's incidents match, reading the engine's shared frozen values where
   * it has them (no copy of every snapshot, as list would make).
   */
  async countForTenant(tenantId: string, where: (incident: Incident) => boolean): Promise<number> {
    const options = { prefix: `${tenantId.toLowerCase()}:` };
    const records = this.store.listShared
      ? await this.store.listShared<Incident>(SNAPSHOTS_COLLECTION, options)
      : await this.store.list<Incident>(SNAPSHOTS_COLLECTION, options);
    let count = 0;
    for (const record of records) if (where(record.value)) count += 1;
    return count;
  }

  async listForTenant(tenantId: string): Promise<Incident[]> {
    const records = await this.store.list<Incident>(SNAPSHOTS_COLLECTION, {
      prefix: `${tenantId.toLowerCase()}:`,
    });
    return records.map((r) => r.value);
  }
}
