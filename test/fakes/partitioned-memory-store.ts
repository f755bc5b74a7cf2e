// In-memory partitioned Store for unit tests of other modules. Same write rules as the journaled
// lowdb store (the shared planPartitionWrites), checked by the same contract suite in test/store/.
// Time comes from the injected `now`, so expiry and retention are tested without waiting.
import { AppendOnlyRules } from '../../src/store/append-only-rules.ts';
import { planPartitionWrites } from '../../src/store/plan-partition-writes.ts';
import type {
  AppendOnlyCollection,
  DumpableStore,
  DumpedRecord,
  ListOptions,
  PartitionStore,
  PartitionWriteOp,
  VersionedRecord,
} from '../../src/store/partitioned-store.ts';
import { partitionView } from '../../src/store/partition-view.ts';
import { RecordTable } from '../../src/store/record-table.ts';
import { StoreClosedError } from '../../src/store/store-errors.ts';
import { toJournalChange } from '../../src/store/dumped-record-change.ts';

export interface PartitionedMemoryStoreOptions {
  appendOnly?: readonly AppendOnlyCollection[];
  /** Epoch ms (default Date.now). */
  now?: () => number;
}

export class PartitionedMemoryStore implements DumpableStore {
  readonly #tables = new Map<string, Map<string, RecordTable>>();
  readonly #appendOnly: AppendOnlyRules;
  readonly #now: () => number;
  #closed = false;

  constructor(options: PartitionedMemoryStoreOptions = {}) {
    this.#appendOnly = new AppendOnlyRules(options.appendOnly);
    this.#now = options.now ?? Date.now;
  }

  partition(id: string): PartitionStore {
    if (typeof id !== 'string' || id === '') {
      throw new TypeError('A partition id is a non-empty string');
    }
    return partitionView(id, {
      get: async <T>(partition: string, collection: string, key: string) => {
        this.#assertOpen();
        if (!this.#isKept(collection, key)) return undefined;
        return this.#table(partition, collection)?.get<T>(key, this.#now());
      },
      list: async (partition, collection, options) => this.#list(partition, collection, options),
      mutate: async (partition, ops) => this.#apply(partition, ops),
    });
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async *dump(): AsyncIterable<DumpedRecord> {
    this.#assertOpen();
    const now = this.#now();
    for (const [partition, tables] of this.#tables) {
      for (const [collection, table] of tables) {
        for (const [key, record] of table.entries()) {
          if (!this.#isKept(collection, key) || table.get(key, now) === undefined) continue;
          const dumped: DumpedRecord = {
            partition,
            collection,
            key,
            version: record.version,
            value: record.value,
          };
          if (record.expiresAt !== undefined)
            dumped.expiresAt = new Date(record.expiresAt).toISOString();
          yield dumped;
        }
      }
    }
  }

  async load(records: AsyncIterable<DumpedRecord> | Iterable<DumpedRecord>): Promise<number> {
    this.#assertOpen();
    let count = 0;
    for await (const dumped of records) {
      const change = toJournalChange(dumped, this.#appendOnly); // the engine's checks
      const table = this.#tableFor(change.partition, change.collection);
      if (change.kind === 'put') table.set(change.key, change.record);
      else if (change.kind === 'append' && !table.peek(change.key)) {
        table.set(change.key, { version: 1, value: change.value, size: change.json.length });
      }
      count += 1;
    }
    return count;
  }

  #list<T>(partition: string, collection: string, options?: ListOptions): VersionedRecord<T>[] {
    this.#assertOpen();
    const table = this.#table(partition, collection);
    if (!table) return [];
    if (!this.#appendOnly.has(collection)) return table.list<T>(options, this.#now());
    const { limit, ...range } = options ?? {};
    const kept = table.list<T>(range, this.#now()).filter((r) => this.#isKept(collection, r.key));
    return limit === undefined ? kept : kept.slice(0, limit);
  }

  // Whole days of an append-only collection past their retention are gone.
  #isKept(collection: string, key: string): boolean {
    if (!this.#appendOnly.has(collection)) return true;
    const day = AppendOnlyRules.dayOf(key);
    return day !== undefined && day >= this.#appendOnly.firstKeptDay(collection, this.#now());
  }

  #apply(
    partition: string,
    ops: readonly PartitionWriteOp[],
  ): (VersionedRecord<unknown> | boolean)[] {
    this.#assertOpen();
    const plan = planPartitionWrites(ops, {
      lookup: (collection, key) => this.#table(partition, collection)?.peek(key),
      appendOnly: this.#appendOnly,
      now: this.#now(),
    });
    for (const change of plan.changes) {
      const table = this.#tableFor(partition, change.collection);
      if (change.kind === 'put') table.set(change.key, change.record);
      else if (change.kind === 'delete') table.delete(change.key);
      else if (!table.peek(change.key)) {
        // Trusted to be new, as on disk: a repeated key keeps the first record.
        table.set(change.key, { version: 1, value: change.value, size: change.json.length });
      }
    }
    return plan.results;
  }

  #table(partition: string, collection: string): RecordTable | undefined {
    return this.#tables.get(partition)?.get(collection);
  }

  #tableFor(partition: string, collection: string): RecordTable {
    let tables = this.#tables.get(partition);
    if (!tables) this.#tables.set(partition, (tables = new Map()));
    let table = tables.get(collection);
    if (!table) tables.set(collection, (table = new RecordTable()));
    return table;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
