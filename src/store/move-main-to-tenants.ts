// The move of a store written without routing (every record in `main`) into the tenants'
// partitions, run at open with STORE_PARTITIONS=tenant, before the app reads anything. Several
// instances may open at once and run it side by side, and a crash may stop it anywhere, so each
// record moves in steps that are safe to repeat:
//   1. the target partition is recorded in the partition index (an extra entry is harmless);
//   2. the record is created there unless one exists: a record there is newer (written since by
//      a routed instance, or moved by another instance) and is never overwritten;
//   3. the record is deleted from `main` on the version read, so a record changed in between is
//      left for the next run instead of being lost.
// The version starts again at 1 in the target partition (a create), so no reader holds a
// version from `main` across the move: readers open after it. Append-only collections (the
// embedded store's daily audit logs) cannot delete: their entries are copied and the day logs of
// `main` age out with retention. A marker in `_service` records that a run found nothing left,
// so later opens skip the scan of `main` (on Azure Tables, the whole table).
// There is no move back: an unrouted open of a store a routed open has written to is refused
// (assertNotRouted), as it would read an almost empty `main` and start over.
import { PARTITIONS_COLLECTION, type PartitionIndex } from './partition-index.ts';
import { FLAT_PARTITION, type PartitionRouter } from './partition-router.ts';
import {
  SERVICE_PARTITION,
  StoreConflictError,
  type DumpableStore,
  type DumpedRecord,
  type Store as PartitionedStore,
} from './partitioned-store.ts';

export const MIGRATIONS_COLLECTION = 'storeMigrations';
export const MAIN_MOVED = 'mainToTenantPartitions';

export interface MoveReport {
  /** Records created in their partition. */
  moved: number;
  /** Records already in their partition (a newer write, or moved by another instance). */
  present: number;
  /** Records changed in `main` while they moved: left there for the next open. */
  changed: number;
  /** Whether the scan of `main` was skipped (an earlier run had finished). */
  skipped: boolean;
}

export interface MoveOptions {
  router: PartitionRouter;
  index: PartitionIndex;
  /** Collections that refuse deletes (append-only): copied, left in `main`. */
  appendOnly?: readonly string[];
  now?: () => number;
  logger?: { info(details: object, message: string): void };
}

export async function moveMainToTenants(
  engine: DumpableStore,
  options: MoveOptions,
): Promise<MoveReport> {
  const service = engine.partition(SERVICE_PARTITION);
  const report: MoveReport = { moved: 0, present: 0, changed: 0, skipped: false };
  if (await service.get(MIGRATIONS_COLLECTION, MAIN_MOVED)) return { ...report, skipped: true };
  const appendOnly = new Set(options.appendOnly ?? []);
  const main: DumpedRecord[] = [];
  for await (const record of engine.dump()) {
    if (record.partition === FLAT_PARTITION) main.push(record);
  }
  for (const record of main) {
    const outcome = await moveRecord(engine, record, options, appendOnly.has(record.collection));
    report[outcome] += 1;
  }
  if (report.changed === 0) {
    const at = new Date((options.now ?? Date.now)()).toISOString();
    await service.put(MIGRATIONS_COLLECTION, MAIN_MOVED, { at, ...report });
  }
  if (main.length > 0) options.logger?.info(report, 'store: main moved to tenant partitions');
  return report;
}

async function moveRecord(
  engine: DumpableStore,
  record: DumpedRecord,
  options: MoveOptions,
  keepInMain: boolean,
): Promise<'moved' | 'present' | 'changed'> {
  const { collection, key, value, expiresAt } = record;
  const id = options.router.partitionOf(collection, key);
  await options.index.add(id);
  const target = engine.partition(id);
  let outcome: 'moved' | 'present' = 'present';
  if (!(await target.get(collection, key))) {
    try {
      await target.put(collection, key, value, 0, expiresAt ? { expiresAt } : undefined);
      outcome = 'moved';
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }
  if (keepInMain) return outcome;
  try {
    await engine.partition(FLAT_PARTITION).delete(collection, key, record.version);
    return outcome;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    // Gone already: another instance moved it first.
    if (error.actualVersion === 0) return outcome;
    // Changed in main meanwhile: the copy just made is stale. Take it back unless someone has
    // written it since, so that the next run moves the newer record.
    if (outcome === 'moved') await target.delete(collection, key, 1).catch(ignoreConflict);
    return 'changed';
  }
}

function ignoreConflict(error: unknown): void {
  if (!(error instanceof StoreConflictError)) throw error;
}

export class StoreRoutedError extends Error {
  readonly code = 'STORE_ROUTED';
  constructor(readonly store: string) {
    super(
      `The store ${store} keeps a partition per customer tenant (it was opened with STORE_PARTITIONS=tenant, the default), so with STORE_PARTITIONS=single it would look empty and the bot would start over. Nothing was changed: unset STORE_PARTITIONS or set it to tenant. There is no move back to one partition.`,
    );
    this.name = 'StoreRoutedError';
  }
}

/**
 * Refuses (StoreRoutedError) a store that a routed open has run on: the move's marker is there,
 * or the partition index names a partition (written before a routed write, also mid-move).
 */
export async function assertNotRouted(engine: PartitionedStore, store: string): Promise<void> {
  const service = engine.partition(SERVICE_PARTITION);
  const routed =
    (await service.get(MIGRATIONS_COLLECTION, MAIN_MOVED)) !== undefined ||
    (await service.list(PARTITIONS_COLLECTION)).length > 0;
  if (routed) throw new StoreRoutedError(store);
}
