// The embedded partitioned Store: a journal of changes plus lowdb shard files, for one process.
//
// Writes cost what they change. A mutation is checked synchronously against committed and
// pending state (JournalWriter) and resolves once its group's journal line is fsynced; only then
// does committed state, in memory, change. Reads read committed state and never wait for a write.
// In the background a checkpoint folds the journal into shard files, a bounded number of records
// each, and daily logs of append-only collections (checkpoint.ts), then removes the journal.
// Layout on disk, under DATA_DIR/store/:
//   store.lock                                     pid of the process that has the store open
//   journal-<n>.jsonl                              changes since the last checkpoint
//   <partition>/<collection>/shard-b<bits>-<i>.json  lowdb files of a regular collection
//   <partition>/<collection>/<yyyy-mm-dd>.jsonl      daily logs of an append-only collection
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppendOnlyReads } from './append-only-reads.ts';
import { AppendOnlyRules } from './append-only-rules.ts';
import { runCheckpoint, type CheckpointReport } from './checkpoint.ts';
import { CheckpointSchedule } from './checkpoint-schedule.ts';
import { toJournalChange } from './dumped-record-change.ts';
import type { JournalChange } from './journal-line.ts';
import {
  withDefaults,
  type JournalStoreOptions,
  type JournalStoreSettings,
} from './journal-store-options.ts';
import { JournalWriter } from './journal-writer.ts';
import { loadJournalStore } from './load-journal-store.ts';
import { moveToDayLogs } from './move-to-day-logs.ts';
import { folderName } from './name-encoding.ts';
import { isLive } from './partition-record.ts';
import { partitionView } from './partition-view.ts';
import type {
  DumpableStore,
  DumpedRecord,
  ListOptions,
  PartitionStore,
  PartitionWriteOp,
  VersionedRecord,
} from './partitioned-store.ts';
import { planPartitionWrites } from './plan-partition-writes.ts';
import { StoreClosedError } from './store-errors.ts';
import { acquireStoreLock, type StoreLock } from './store-lock.ts';
import type { StoreState } from './store-state.ts';

export type { JournalStoreLogger, JournalStoreOptions } from './journal-store-options.ts';

// load() writes in groups of this size: bounded journal lines, bounded memory.
const LOAD_GROUP_OPS = 1000;
const LOAD_GROUP_BYTES = 4 * 1024 * 1024;

export class JournalStore implements DumpableStore {
  readonly #writer: JournalWriter;
  readonly #reads: AppendOnlyReads;
  readonly #schedule: CheckpointSchedule;
  #closing: Promise<void> | undefined;

  private constructor(
    readonly folder: string,
    private readonly state: StoreState,
    private readonly lock: StoreLock,
    private readonly rules: AppendOnlyRules,
    private readonly settings: JournalStoreSettings,
    firstJournal: number,
    journalBytes: number,
  ) {
    const { files, now, logger } = settings;
    this.#reads = new AppendOnlyReads(state, rules);
    this.#writer = new JournalWriter({
      folder,
      files,
      firstNumber: firstJournal,
      now,
      onCommit: (changes, bytes) => this.#commit(changes, bytes),
      onError: (error, cause) =>
        logger?.error({ err: cause, file: error.file }, 'store write failed; changes rolled back'),
    });
    this.#schedule = new CheckpointSchedule(
      {
        ...settings,
        run: (retention) =>
          runCheckpoint({ ...settings, state, writer: this.#writer, appendOnly: rules, retention }),
        onBackgroundError: (error) =>
          logger?.error({ err: error, folder }, 'store checkpoint failed; the journal is kept'),
      },
      journalBytes,
    );
  }

  static async open(options: JournalStoreOptions): Promise<JournalStore> {
    const folder = join(resolve(options.dataDir), 'store');
    const settings = withDefaults(options);
    const rules = new AppendOnlyRules(options.appendOnly);
    await settings.files.makeFolder(folder);
    const lock = await acquireStoreLock(folder);
    try {
      const { state, journals, tornJournals } = await loadJournalStore(folder);
      if (tornJournals.length > 0) {
        options.logger?.info({ files: tornJournals }, 'ignored journal lines cut short by a crash');
      }
      const next = (journals.at(-1)?.number ?? 0) + 1;
      const bytes = journals.reduce((sum, journal) => sum + journal.bytes, 0);
      const moves = moveToDayLogs(state, rules, settings.now(), options.logger);
      const store = new JournalStore(folder, state, lock, rules, settings, next, bytes);
      if (moves.length === 0) return store;
      try {
        for (const group of moves) await store.#writer.enqueue(group);
      } catch (error) {
        await store.close();
        throw error;
      }
      const records = moves.reduce((n, g) => n + g.filter((c) => c.kind === 'delete').length, 0);
      options.logger?.info({ records }, 'store: audit records moved to their daily logs');
      return store;
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  partition(id: string): PartitionStore {
    folderName('partition', id);
    return partitionView(id, {
      get: async (partition, collection, key) => this.#get(partition, collection, key),
      list: async (partition, collection, options) => this.#list(partition, collection, options),
      mutate: (partition, ops) => this.#mutate(partition, ops),
    });
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await access(this.folder, constants.W_OK);
  }

  /** Flushes pending writes and checkpoints; afterwards every call rejects (StoreClosedError). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Folds the journal into shard files and daily logs now (after any running checkpoint). */
  async checkpoint(): Promise<CheckpointReport> {
    this.#assertOpen();
    return this.#schedule.run();
  }

  async *dump(): AsyncIterable<DumpedRecord> {
    this.#assertOpen();
    const now = this.settings.now();
    for (const { partition, collection, table } of [...this.state.collections()]) {
      for (const [key, record] of [...table.entries()]) {
        if (!isLive(record, now)) continue;
        const { version, value, expiresAt } = record;
        const dumped: DumpedRecord = { partition, collection, key, version, value };
        if (expiresAt !== undefined) dumped.expiresAt = new Date(expiresAt).toISOString();
        yield dumped;
      }
    }
    yield* this.#reads.dump(now);
  }

  async load(records: AsyncIterable<DumpedRecord> | Iterable<DumpedRecord>): Promise<number> {
    this.#assertOpen();
    let group: JournalChange[] = [];
    let bytes = 0;
    let count = 0;
    for await (const record of records) {
      const change = toJournalChange(record, this.rules);
      group.push(change);
      bytes += change.kind === 'delete' ? 0 : change.json.length;
      count += 1;
      if (group.length >= LOAD_GROUP_OPS || bytes >= LOAD_GROUP_BYTES) {
        this.#assertOpen(); // a close meanwhile has flushed the journal for good
        await this.#writer.enqueue(group);
        [group, bytes] = [[], 0];
      }
    }
    this.#assertOpen();
    if (group.length > 0) await this.#writer.enqueue(group);
    return count;
  }

  #get<T>(partition: string, collection: string, key: string) {
    this.#assertOpen();
    const now = this.settings.now();
    if (this.rules.has(collection)) return this.#reads.get<T>(partition, collection, key, now);
    return this.state.find(partition, collection)?.table.get<T>(key, now);
  }

  #list<T>(partition: string, collection: string, options?: ListOptions) {
    this.#assertOpen();
    const now = this.settings.now();
    if (this.rules.has(collection)) return this.#reads.list<T>(partition, collection, options, now);
    return this.state.find(partition, collection)?.table.list<T>(options, now) ?? [];
  }

  // Synchronous up to the enqueue on purpose (callers are async functions, which run it before
  // their first await): checks and pending state change in call order.
  #mutate(
    partition: string,
    ops: readonly PartitionWriteOp[],
  ): Promise<(VersionedRecord<unknown> | boolean)[]> {
    this.#assertOpen();
    const plan = planPartitionWrites(ops, {
      lookup: (collection, key) => {
        const pending = this.#writer.lookup(JournalWriter.recordId(partition, collection, key));
        if (pending !== undefined) return pending ?? undefined;
        return this.state.find(partition, collection)?.table.peek(key);
      },
      appendOnly: this.rules,
      now: this.settings.now(),
      maxBatchOps: this.settings.maxBatchOps,
    });
    if (plan.changes.length === 0) return Promise.resolve(plan.results);
    for (const change of plan.changes) folderName('collection', change.collection);
    const done = this.#writer.enqueue(plan.changes.map((change) => ({ ...change, partition })));
    return done.then(() => plan.results);
  }

  #commit(changes: readonly JournalChange[], bytes: number): void {
    for (const change of changes) this.state.apply(change, change.maybeWritten);
    this.#schedule.committed(bytes, this.state.liveBytes);
  }

  async #close(): Promise<void> {
    this.#schedule.stop();
    await this.#writer.settled();
    await this.#schedule.run().catch((error: unknown) => {
      const message = 'final store checkpoint failed; the journal is kept';
      this.settings.logger?.error({ err: error, folder: this.folder }, message);
    });
    await this.#writer.close();
    await this.lock.release();
  }

  #assertOpen(): void {
    if (this.#closing) throw new StoreClosedError();
  }
}

/** Opens (or creates) the journaled store under DATA_DIR/store. */
export function openJournalStore(options: JournalStoreOptions): Promise<JournalStore> {
  return JournalStore.open(options);
}
