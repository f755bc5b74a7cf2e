// The partitioned Store port on Azure Tables (Azure Table Storage, Azure Cosmos DB for Table,
// Azurite): many instances share one table; the service's ETags serialise their writes.
// Mapping (docs/architecture.md, "the store on Azure Tables"): one table; PartitionKey = the partition (a customer tenant),
// RowKey = collection | key, both in an order-preserving ASCII encoding; properties `v`
// (version), `x` (expiry), `w` (write id), `d0…` (the value's JSON).
import { randomBytes } from 'node:crypto';
import { TableClient, odata } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type {
  AppendOnlyCollection,
  DumpableStore,
  DumpedRecord,
  PartitionStore,
} from './partitioned-store.ts';
import { StoreClosedError } from './store-errors.ts';
import { AppendOnlyRules } from './tables/append-only.ts';
import { tablesClientOptions, type TablesTransportOptions } from './tables/client-options.ts';
import { fromEntity } from './tables/entity-codec.ts';
import { EtagCache } from './tables/etag-cache.ts';
import { decodeKey, parseRowKey } from './tables/key-codec.ts';
import { loadRecords } from './tables/load-records.ts';
import { isLiveIn, type TablesContext } from './tables/partition-io.ts';
import { listPartitions, prunePartition } from './tables/prune-partitions.ts';
import { TablesPartition } from './tables/tables-partition.ts';

export const DEFAULT_TABLE_NAME = 'mrbstore';
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
const MAX_BACKGROUND = 100;

export interface TablesStoreOptions {
  /** An account or SAS connection string (AZURE_STORAGE_CONNECTION_STRING; Azurite's in tests). */
  connectionString?: string;
  /** `https://<account>.table.core.windows.net` (AZURE_STORAGE_ACCOUNT_URL), with `credential`. */
  accountUrl?: string;
  /** For accountUrl; default DefaultAzureCredential (managed identity in Azure). */
  credential?: TokenCredential;
  /** Default `mrbstore`: 3–63 letters and digits, starting with a letter. */
  tableName?: string;
  /** Clock for expiry and retention (tests move it). */
  now?: () => number;
  appendOnly?: readonly AppendOnlyCollection[];
  transport?: TablesTransportOptions;
  /** Records whose version and ETag this instance remembers (default 10,000). */
  cacheSize?: number;
}

export class TablesStore implements DumpableStore {
  readonly #ctx: TablesContext;
  readonly #background = new Set<Promise<unknown>>();
  #closed = false;

  constructor(
    readonly client: TableClient,
    options: Pick<TablesStoreOptions, 'now' | 'appendOnly' | 'cacheSize'> = {},
  ) {
    this.#ctx = {
      client,
      cache: new EtagCache(options.cacheSize),
      rules: new AppendOnlyRules(options.appendOnly),
      now: options.now ?? Date.now,
      checkOpen: () => {
        if (this.#closed) throw new StoreClosedError();
      },
      newWriteId: () => randomBytes(9).toString('base64url'),
      background: (task) => this.#runInBackground(task),
    };
  }

  partition(id: string): PartitionStore {
    return new TablesPartition(id, this.#ctx);
  }

  async ping(): Promise<void> {
    this.#ctx.checkOpen();
    await this.client
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${'!ping'}` } })
      .byPage({ maxPageSize: 1 })
      .next();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#background]);
  }

  async *dump(): AsyncIterable<DumpedRecord> {
    this.#ctx.checkOpen();
    for await (const raw of this.client.listEntities<Record<string, unknown>>()) {
      const entity = fromEntity(raw);
      const { collection, key } = parseRowKey(entity.rowKey);
      if (!isLiveIn(this.#ctx, entity, collection, key)) continue;
      yield {
        partition: decodeKey(entity.partitionKey),
        collection,
        key,
        version: entity.version,
        value: JSON.parse(entity.json) as unknown,
        ...(entity.expiresAt && { expiresAt: entity.expiresAt.toISOString() }),
      };
    }
  }

  async load(records: AsyncIterable<DumpedRecord> | Iterable<DumpedRecord>): Promise<number> {
    this.#ctx.checkOpen();
    try {
      return await loadRecords(this.client, records, this.#ctx.newWriteId());
    } finally {
      this.#ctx.cache.clear();
    }
  }

  /**
   * Deletes expired records and append-only days past retention in the given partitions (the
   * tenants this instance owns), or in every partition (a full table scan). Returns the count.
   */
  async prune(options: { partitions?: readonly string[] } = {}): Promise<number> {
    this.#ctx.checkOpen();
    const partitions = options.partitions ?? (await listPartitions(this.client));
    let removed = 0;
    for (const partition of partitions) {
      removed += await prunePartition(this.client, this.#ctx.rules, partition, this.#ctx.now());
    }
    return removed;
  }

  /** Whether the table holds any entity (the copy command refuses to fill a used table). */
  async isEmpty(): Promise<boolean> {
    this.#ctx.checkOpen();
    const first = await this.client
      .listEntities({ queryOptions: { select: ['PartitionKey'] } })
      .byPage({ maxPageSize: 1 })
      .next();
    return first.done === true || first.value.length === 0;
  }

  #runInBackground(task: () => Promise<unknown>): void {
    if (this.#closed || this.#background.size >= MAX_BACKGROUND) return; // prune catches up
    const running: Promise<unknown> = task()
      .catch(() => undefined)
      .finally(() => this.#background.delete(running));
    this.#background.add(running);
  }
}

/** Opens the store on an existing or new table (created when missing). */
export async function openTablesStore(options: TablesStoreOptions): Promise<TablesStore> {
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  if (!TABLE_NAME.test(tableName)) {
    throw new TypeError(
      `The Azure Tables table name ${JSON.stringify(tableName)} is not valid: 3–63 letters and digits, starting with a letter.`,
    );
  }
  const client = tableClient(tableName, options);
  await client.createTable();
  return new TablesStore(client, options);
}

function tableClient(tableName: string, options: TablesStoreOptions): TableClient {
  if (options.connectionString) {
    const insecure =
      /TableEndpoint=http:\/\//i.test(options.connectionString) ||
      /DefaultEndpointsProtocol=http;/i.test(options.connectionString) ||
      /UseDevelopmentStorage=true/i.test(options.connectionString);
    return TableClient.fromConnectionString(
      options.connectionString,
      tableName,
      tablesClientOptions({ ...options.transport, allowInsecureConnection: insecure }),
    );
  }
  if (options.accountUrl) {
    return new TableClient(
      options.accountUrl,
      tableName,
      options.credential ?? new DefaultAzureCredential(),
      tablesClientOptions({
        ...options.transport,
        allowInsecureConnection: options.accountUrl.startsWith('http://'),
      }),
    );
  }
  throw new TypeError(
    'The Azure Tables store needs AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_URL with a credential (managed identity in Azure).',
  );
}
