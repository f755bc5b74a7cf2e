// Opens the Store the features use, on the engine the configuration names: the embedded
// journaled lowdb store under DATA_DIR (default; migrates a one-file store.json on first start,
// keeping it as a backup) or Azure Tables (STORE=tables). Retention is defined once
// (src/app/retention.ts): per-record expiries on both, and on lowdb the audit trails by day.
// Each record goes to its tenant's partition (src/app/partition-rules.ts) unless
// STORE_PARTITIONS=single keeps everything in `main`.
import { partitionsFrom, strictBatchesFrom, type Config } from '../config.ts';
import { MAX_BATCH_OPS } from '../store/partitioned-store.ts';
import { FLAT_PARTITION, FlatStore } from '../store/flat-store.ts';
import { openJournalStore, type JournalStoreLogger } from '../store/journal-store.ts';
import { migrateStoreJson } from '../store/migrate-store-json.ts';
import { assertNotRouted, moveMainToTenants } from '../store/move-main-to-tenants.ts';
import { PartitionIndex } from '../store/partition-index.ts';
import type { DumpableStore } from '../store/partitioned-store.ts';
import { openTablesStore } from '../store/tables-store.ts';
import type { TablesTransportOptions } from '../store/tables/client-options.ts';
import type { PartitionRouter } from '../store/partition-router.ts';
import { partitionRouter } from './partition-rules.ts';
import { appendOnlyCollections, retentionByCollection } from './retention.ts';

// A lowdb journal line is atomic whatever its size, so lowdb lifts Azure Tables' 100-op limit;
// with strictBatches (STORE_STRICT_BATCHES=1, for tests) it keeps it, so a batch that Tables
// would refuse fails on lowdb too instead of passing unnoticed.
const LOWDB_MAX_BATCH_OPS = 1_000_000;

export async function openStore(
  config: Pick<Config, 'dataDir' | 'store'>,
  logger?: JournalStoreLogger,
  /** Azure Tables' transport (retries, per-attempt timeout); the defaults serve production. */
  tablesTransport?: TablesTransportOptions,
): Promise<FlatStore> {
  const retentionDays = retentionByCollection(config.store);
  const routed = config.store.partitions === 'tenant';
  const router = routed ? { router: partitionRouter() } : {};
  if (config.store.engine === 'tables') {
    const { connectionString, accountUrl, tableName } = config.store;
    const where = connectionString ? { connectionString, tableName } : { accountUrl, tableName };
    const engine = await openTablesStore({
      ...where,
      ...(tablesTransport && { transport: tablesTransport }),
    });
    logger?.info({ tableName, partitions: config.store.partitions }, 'store: Azure Tables');
    await closeOnError(engine, async () => {
      if (!routed) await assertNotRouted(engine, `in the Azure table ${tableName}`);
      await moveToPartitions(engine, router, [], logger);
    });
    return new FlatStore(engine, { retentionDays, ...router });
  }
  // Azure Tables keeps the audit trails as regular entities with an expiry (above); lowdb keeps
  // them as daily logs, moving what an older store holds in its shard files there at open.
  const appendOnly = appendOnlyCollections(config.store);
  const engine = await openJournalStore({
    dataDir: config.dataDir,
    logger,
    maxBatchOps: config.store.strictBatches ? MAX_BATCH_OPS : LOWDB_MAX_BATCH_OPS,
    appendOnly,
  });
  const byDay = new Set(appendOnly.map((c) => c.name));
  await closeOnError(engine, async () => {
    if (!routed) await assertNotRouted(engine, `under ${config.dataDir}`);
    await migrateStoreJson(
      config.dataDir,
      (collection, key) => ({ partition: FLAT_PARTITION, collection, key }),
      engine,
      { logger },
    );
    await moveToPartitions(engine, router, [...byDay], logger);
  });
  const perRecord = Object.fromEntries(
    Object.entries(retentionDays).filter(([collection]) => !byDay.has(collection)),
  );
  return new FlatStore(engine, { retentionDays: perRecord, ...router });
}

/**
 * The embedded store under dataDir with the default settings (tests, benchmarks, scripts);
 * STORE_STRICT_BATCHES=1 in the environment keeps Azure Tables' batch limit, and
 * STORE_PARTITIONS=single keeps every record in `main` (default: the tenants' partitions).
 */
export function openEmbeddedStore(
  dataDir: string,
  logger?: JournalStoreLogger,
  strictBatches = strictBatchesFrom(process.env),
): Promise<FlatStore> {
  const partitions = partitionsFrom(process.env);
  return openStore({ dataDir, store: { ...EMBEDDED_DEFAULTS, strictBatches, partitions } }, logger);
}

// Routed: what an unrouted store left in main moves to its partitions first (idempotent steps,
// safe with several instances opening at once; src/store/move-main-to-tenants.ts).
async function moveToPartitions(
  engine: DumpableStore,
  { router }: { router?: PartitionRouter },
  appendOnly: string[],
  logger: JournalStoreLogger | undefined,
): Promise<void> {
  if (!router) return;
  const index = new PartitionIndex(engine);
  await moveMainToTenants(engine, { router, index, appendOnly, ...(logger && { logger }) });
}

async function closeOnError(engine: DumpableStore, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await engine.close();
    throw error;
  }
}

const EMBEDDED_DEFAULTS: Omit<Config['store'], 'partitions'> = {
  engine: 'lowdb',
  connectionString: '',
  accountUrl: undefined,
  tableName: 'mrbstore',
  retentionDays: 30,
  auditRetentionDays: 400,
};
