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

  async listForTenant(tenantId: string): Promise<Incident[]> {
    const records = await this.store.list<Incident>(SNAPSHOTS_COLLECTION, {
      prefix: `${tenantId.toLowerCase()}:`,
    });
    return records.map((r) => r.value);
  }
}
