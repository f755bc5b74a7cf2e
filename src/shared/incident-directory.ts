// Read access to the incidents the watcher has seen (its snapshots), for queues and cards.
import type { Incident } from '../domain/incident.ts';
import type { Store } from '../store/store.ts';
import { AwaitingIndex } from '../watcher/awaiting-index.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../watcher/incident-snapshots.ts';

export class IncidentDirectory {
  readonly #awaiting: AwaitingIndex;

  constructor(private readonly store: Store) {
    this.#awaiting = new AwaitingIndex(store);
  }

  async get(tenantId: string, incidentId: string): Promise<Incident | undefined> {
    return (await this.store.get<Incident>(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, incidentId)))
      ?.value;
  }

  /** How many of the tenant's incidents await the customer (the experts' ones). */
  countAwaiting(tenantId: string): Promise<number> {
    return this.#awaiting.count(tenantId);
  }

  /** The tenant's incidents that await the customer, from the index, not every snapshot. */
  listAwaiting(tenantId: string): Promise<Incident[]> {
    return this.#awaiting.list(tenantId);
  }

  async listForTenant(tenantId: string): Promise<Incident[]> {
    const records = await this.store.list<Incident>(SNAPSHOTS_COLLECTION, {
      prefix: `${tenantId.toLowerCase()}:`,
    });
    return records.map((r) => r.value);
  }
}
