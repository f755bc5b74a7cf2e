// The incidents that await the customer and are handled by the experts, per tenant (collection
// `awaitingIndex`, key `${tenantId}:${incidentId}`, the snapshot's key): the "N incidents await
// your action" count, the awaiting queue and the reminder rounds read it instead of every
// snapshot the tenant ever had, so they cost what awaits, not what is stored. The poll keeps it
// in the same batch as the snapshot it derives from, so the two never disagree. A store written
// before the index has it filled once per tenant (then a marker in `awaitingIndexFilled`).
import { isAwaitingCustomer, isHandledByExperts, type Incident } from '../domain/incident.ts';
import { StoreConflictError, type Store, type WriteOp } from '../store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from './incident-snapshots.ts';

export const AWAITING_INDEX = 'awaitingIndex';
/** Per tenant (key: the tenant id, lower-cased): its index holds every awaiting incident. */
export const AWAITING_INDEX_FILLED = 'awaitingIndexFilled';

interface IndexEntry {
  incidentId: string;
}

/** Awaits the customer and is the experts' (what the queue, the count and reminders show). */
export function awaitsCustomer(incident: Incident): boolean {
  return isAwaitingCustomer(incident) && isHandledByExperts(incident);
}

/** The index's op for a snapshot going from `previous` to `next` (none if it stays as it was). */
export function awaitingIndexOps(
  tenantId: string,
  previous: Incident | undefined,
  next: Incident,
): WriteOp[] {
  const was = previous !== undefined && awaitsCustomer(previous);
  const is = awaitsCustomer(next);
  if (was === is) return [];
  const key = snapshotKey(tenantId, next.id);
  const value: IndexEntry = { incidentId: next.id };
  return is
    ? [{ kind: 'put', collection: AWAITING_INDEX, key, value }]
    : [{ kind: 'delete', collection: AWAITING_INDEX, key }];
}

/** A snapshot write with its index op: what the poll commits, and what fixtures should write. */
export function snapshotWriteOps(
  tenantId: string,
  previous: Incident | undefined,
  next: Incident,
  expectedVersion?: number,
): WriteOp[] {
  return [
    {
      kind: 'put',
      collection: SNAPSHOTS_COLLECTION,
      key: snapshotKey(tenantId, next.id),
      value: next,
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    },
    ...awaitingIndexOps(tenantId, previous, next),
  ];
}

// A fill's batch: each awaiting snapshot rewritten at its version beside its entry (2 ops), so a
// poll committing a change meanwhile conflicts and retries on the new version instead of being
// overwritten by a stale entry. Within Azure Tables' 100 operations and 4 MiB per batch (large
// snapshots, long comment threads, make smaller batches).
const FILL_BATCH = 50;
const FILL_BATCH_CHARS = 2_000_000;

export class AwaitingIndex {
  readonly #filled = new Map<string, Promise<void>>();

  constructor(private readonly store: Store) {}

  /** How many of the tenant's incidents await the customer (the index's entries). */
  async count(tenantId: string): Promise<number> {
    return (await this.#entries(tenantId)).length;
  }

  /** The tenant's incidents that await the customer now, read from their snapshots. */
  async list(tenantId: string): Promise<Incident[]> {
    const entries = await this.#entries(tenantId);
    const incidents: Incident[] = [];
    for (const { key } of entries) {
      const snapshot = (await this.store.get<Incident>(SNAPSHOTS_COLLECTION, key))?.value;
      // The snapshot decides; an entry a crash or an older writer left behind is skipped.
      if (snapshot && awaitsCustomer(snapshot)) incidents.push(snapshot);
    }
    return incidents;
  }

  async #entries(tenantId: string) {
    await this.#ensureFilled(tenantId.toLowerCase());
    const prefix = `${tenantId.toLowerCase()}:`;
    return this.store.listShared
      ? this.store.listShared<IndexEntry>(AWAITING_INDEX, { prefix })
      : this.store.list<IndexEntry>(AWAITING_INDEX, { prefix });
  }

  #ensureFilled(tenant: string): Promise<void> {
    let filled = this.#filled.get(tenant);
    if (!filled) {
      filled = this.#fill(tenant).catch((error: unknown) => {
        this.#filled.delete(tenant);
        throw error;
      });
      this.#filled.set(tenant, filled);
    }
    return filled;
  }

  async #fill(tenant: string): Promise<void> {
    if (await this.store.get(AWAITING_INDEX_FILLED, tenant)) return;
    const snapshots = await this.store.list<Incident>(SNAPSHOTS_COLLECTION, {
      prefix: `${tenant}:`,
    });
    let ops: WriteOp[] = [];
    let chars = 0;
    for (const { key, value, version } of snapshots) {
      if (!awaitsCustomer(value)) continue;
      const size = JSON.stringify(value).length;
      if (ops.length >= 2 * FILL_BATCH || (ops.length > 0 && chars + size > FILL_BATCH_CHARS)) {
        await this.#fillBatch(ops);
        [ops, chars] = [[], 0];
      }
      ops.push(
        { kind: 'put', collection: SNAPSHOTS_COLLECTION, key, value, expectedVersion: version },
        { kind: 'put', collection: AWAITING_INDEX, key, value: { incidentId: value.id } },
      );
      chars += size;
    }
    if (ops.length > 0) await this.#fillBatch(ops);
    await this.store.put(AWAITING_INDEX_FILLED, tenant, { at: new Date().toISOString() });
  }

  async #fillBatch(ops: WriteOp[]): Promise<void> {
    try {
      await this.store.batch(ops);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      // A poll changed one of these snapshots meanwhile: index each as it is now.
      for (const op of ops) if (op.collection === SNAPSHOTS_COLLECTION) await this.#fillOne(op.key);
    }
  }

  /** One snapshot and its entry, at the snapshot's version now (bounded: a poll keeps it). */
  async #fillOne(key: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.store.get<Incident>(SNAPSHOTS_COLLECTION, key);
      if (!current) return;
      const { value, version } = current;
      try {
        await this.store.batch([
          { kind: 'put', collection: SNAPSHOTS_COLLECTION, key, value, expectedVersion: version },
          awaitsCustomer(value)
            ? { kind: 'put', collection: AWAITING_INDEX, key, value: { incidentId: value.id } }
            : { kind: 'delete', collection: AWAITING_INDEX, key },
        ]);
        return;
      } catch (error) {
        if (!(error instanceof StoreConflictError) || attempt >= 10) throw error;
      }
    }
  }
}
