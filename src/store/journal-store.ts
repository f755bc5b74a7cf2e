// The embedded partitioned Store: a journal of changes plus lowdb shard files, for one process.
//
// Writes cost what they change. A mutation is checked synchronously against committed and
// pending state (JournalWriter) and resolves once its group's journal line is fsynced; only then
// does committed state, in memory, change. Reads read committed state and never wait for a write.
// In the background a checkpoint folds the journal into shard files, a bounded number of records
// each, and daily logs of append-only collections (checkpoint.ts), then removes the journal.
// Layout on disk, under DATA_DIR/store/:
//   store.lock                                   pid of the process that has the store open
//   journal-<n>.jsonl                            changes since the last checkpoint, one line per group
//   <partition>/<collection>/shard-b<bits>-<i>.json    lowdb files of a regular collection
//   <partition>/<collection>/<yyyy-mm-dd>.jsonl        daily logs of an append-only collection
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppendOnlyReads } from './append-only-reads.ts';
import { AppendOnlyRules } from './append-only-rules.ts';
import { runCheckpoint, type CheckpointReport } from './checkpoint.ts';
import { toJournalChange } from './dumped-record-change.ts';
import type { JournalChange } from './journal-line.ts';
import { JournalWriter } from './journal-writer.ts';
import { loadJournalStore } from './load-journal-store.ts';
import { folderName } from './name-encoding.ts';
import type {
  AppendOnlyCollection,
  DumpableStore,
  DumpedRecord,
  ListOptions,
  PartitionStore,
  PartitionWriteOp,
  VersionedRecord,
} from './partitioned-store.ts';
import { planPartitionWrites } from './plan-partition-writes.ts';
import { nodeStoreFiles, type StoreFiles } from './store-files.ts';
import { StoreClosedError } from './store-errors.ts';
import { acquireStoreLock, type StoreLock } from './store-lock.ts';
import type { StoreState } from './store-state.ts';
import { isLive } from './partition-record.ts';

/** The slice of a pino logger the store uses. */
export interface JournalStoreLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JournalStoreOptions {
  /** The store lives in DATA_DIR/store (created if needed). */
  dataDir: string;
  /** Collections kept as daily append-only logs (audit trails). */
  appendOnly?: readonly AppendOnlyCollection[];
  /** Clock for expiry and retention, epoch ms (default Date.now). */
  now?: () => number;
  logger?: JournalStoreLogger;
  /** Checkpoint once the journal holds this many bytes, or as many as the data if more (default 4 MiB). */
  checkpointBytes?: number;
  /** ...or this long after the first change since the last checkpoint (default 60 s). */
  checkpointIntervalMs?: number;
  /** A collection's shard files hold about this much each (default 256 KiB). */
  maxShardBytes?: number;
  /** Test seam: every change on disk goes through it. */
  files?: StoreFiles;
}

const LOAD_GROUP_OPS = 1000;
const LOAD_GROUP_BYTES = 4 * 1024 * 1024;

export class JournalStore implements DumpableStore {
  readonly #writer: JournalWriter;
  readonly #reads: AppendOnlyReads;
  #journalBytes: number;
  #timer: NodeJS.Timeout | undefined;
  #checkpointing: Promise<CheckpointReport> | undefined;
  #checkpointFailed = false;
  #retentionDay = '';
  #closing: Promise<void> | undefined;

  private constructor(
    readonly folder: string,
    private readonly state: StoreState,
    private readonly lock: StoreLock,
    private readonly rules: AppendOnlyRules,
    private readonly options: Required<Omit<JournalStoreOptions, 'logger' | 'appendOnly'>> &
      Pick<JournalStoreOptions, 'logger'>,
    firstJournal: number,
    journalBytes: number,
  ) {
    this.#reads = new AppendOnlyReads(state, rules);
    this.#journalBytes = journalBytes;
    this.#writer = new JournalWriter({
      folder,
      files: options.files,
      firstNumber: firstJournal,
      now: options.now,
      onCommit: (changes, bytes) => this.#commit(changes, bytes),
      onError: (error, cause) =>
        options.logger?.error(
          { err: cause, file: error.file },
          'store write failed; changes rolled back',
        ),
    });
    if (journalBytes > 0) this.#armTimer();
  }

  static async open(options: JournalStoreOptions): Promise<JournalStore> {
    const folder = join(resolve(options.dataDir), 'store');
    const files = options.files ?? nodeStoreFiles;
    const rules = new AppendOnlyRules(options.appendOnly);
    await files.makeFolder(folder);
    const lock = await acquireStoreLock(folder);
    try {
      const { state, journals, tornJournals } = await loadJournalStore(folder);
      if (tornJournals.length > 0) {
        options.logger?.info({ files: tornJournals }, 'ignored journal lines cut short by a crash');
      }
      const settings = {
        dataDir: options.dataDir,
        now: options.now ?? Date.now,
        checkpointBytes: options.checkpointBytes ?? 4 * 1024 * 1024,
        checkpointIntervalMs: options.checkpointIntervalMs ?? 60_000,
        maxShardBytes: options.maxShardBytes ?? 256 * 1024,
        files,
        logger: options.logger,
      };
      const last = journals.at(-1)?.number ?? 0;
      const bytes = journals.reduce((sum, journal) => sum + journal.bytes, 0);
      return new JournalStore(folder, state, lock, rules, settings, last + 1, bytes);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  partition(id: string): PartitionStore {
    folderName('partition', id);
    return {
      partition: id,
      get: async <T>(collection: string, key: string) => this.#get<T>(id, collection, key),
      list: async <T>(collection: string, options?: ListOptions) =>
        this.#list<T>(id, collection, options),
      put: async <T>(
        collection: string,
        key: string,
        value: T,
        expectedVersion?: number,
        options?: { expiresAt?: string },
      ) => {
        const op: PartitionWriteOp = { kind: 'put', collection, key, value, expectedVersion };
        if (options?.expiresAt !== undefined) op.expiresAt = options.expiresAt;
        const [result] = await this.#mutate(id, [op]);
        return result as VersionedRecord<T>;
      },
      delete: async (collection: string, key: string, expectedVersion?: number) => {
        const [result] = await this.#mutate(id, [
          { kind: 'delete', collection, key, expectedVersion },
        ]);
        return result === true;
      },
      batch: async (ops: readonly PartitionWriteOp[]) => {
        await this.#mutate(id, ops);
      },
    };
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
    while (this.#checkpointing) await this.#checkpointing.catch(() => undefined);
    this.#checkpointing = this.#runCheckpoint();
    try {
      return await this.#checkpointing;
    } finally {
      this.#checkpointing = undefined;
    }
  }

  async *dump(): AsyncIterable<DumpedRecord> {
    this.#assertOpen();
    const now = this.options.now();
    for (const collection of [...this.state.collections()]) {
      for (const [key, record] of [...collection.table.entries()]) {
        if (!isLive(record, now)) continue;
        const { partition, collection: name } = collection;
        const dumped: DumpedRecord = {
          partition,
          collection: name,
          key,
          version: record.version,
          value: record.value,
        };
        if (record.expiresAt !== undefined)
          dumped.expiresAt = new Date(record.expiresAt).toISOString();
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
        await this.#writer.enqueue(group);
        group = [];
        bytes = 0;
      }
    }
    if (group.length > 0) await this.#writer.enqueue(group);
    return count;
  }

  async #get<T>(
    partition: string,
    collection: string,
    key: string,
  ): Promise<VersionedRecord<T> | undefined> {
    this.#assertOpen();
    const now = this.options.now();
    if (this.rules.has(collection)) return this.#reads.get<T>(partition, collection, key, now);
    return this.state.find(partition, collection)?.table.get<T>(key, now);
  }

  async #list<T>(
    partition: string,
    collection: string,
    options?: ListOptions,
  ): Promise<VersionedRecord<T>[]> {
    this.#assertOpen();
    const now = this.options.now();
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
      now: this.options.now(),
    });
    if (plan.changes.length === 0) return Promise.resolve(plan.results);
    for (const change of plan.changes) folderName('collection', change.collection);
    const done = this.#writer.enqueue(plan.changes.map((change) => ({ ...change, partition })));
    return done.then(() => plan.results);
  }

  #commit(changes: readonly JournalChange[], bytes: number): void {
    for (const change of changes) this.state.apply(change, change.maybeWritten);
    this.#journalBytes += bytes;
    if (this.#closing || this.#checkpointing) return;
    // Growing with the data keeps the checkpoint bytes per write flat (each checkpoint rewrites
    // at most all the data, once per as many journal bytes); a restart replays at most that much.
    const threshold = Math.max(this.options.checkpointBytes, this.state.liveBytes);
    if (this.#journalBytes >= threshold && !this.#checkpointFailed) this.#checkpointInBackground();
    else this.#armTimer();
  }

  async #runCheckpoint(): Promise<CheckpointReport> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const bytes = this.#journalBytes;
    this.#journalBytes = 0;
    const today = new Date(this.options.now()).toISOString().slice(0, 10);
    try {
      const report = await runCheckpoint({
        state: this.state,
        writer: this.#writer,
        files: this.options.files,
        appendOnly: this.rules,
        now: this.options.now,
        maxShardBytes: this.options.maxShardBytes,
        retention: this.#retentionDay !== today,
      });
      this.#retentionDay = today;
      this.#checkpointFailed = false;
      return report;
    } catch (error) {
      this.#journalBytes += bytes;
      this.#checkpointFailed = true;
      throw error;
    } finally {
      if (this.#journalBytes > 0) this.#armTimer();
    }
  }

  #checkpointInBackground(): void {
    this.checkpoint().catch((error: unknown) => {
      this.options.logger?.error(
        { err: error, folder: this.folder },
        'store checkpoint failed; the journal is kept',
      );
    });
  }

  #armTimer(): void {
    if (this.#timer || this.#closing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#checkpointing && !this.#closing) this.#checkpointInBackground();
    }, this.options.checkpointIntervalMs);
    this.#timer.unref();
  }

  async #close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#writer.settled();
    try {
      await this.checkpoint();
    } catch (error) {
      this.options.logger?.error(
        { err: error, folder: this.folder },
        'final store checkpoint failed; the journal is kept',
      );
    }
    clearTimeout(this.#timer);
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
