// The embedded Store: one JSON file under DATA_DIR, for a single process.
//
// State = committed (what the file holds) + the overlay of the write in flight + the overlay of
// the next write. Mutations are checked and applied to the overlays synchronously, in call
// order, so compare-and-set sees every earlier mutation; they resolve only once a file write
// containing them has completed. While one write is in flight, new mutations join the next one,
// so a burst costs a couple of writes. If a write fails, both overlays are dropped and their
// mutations rejected (the queued ones were checked against the failed ones): memory never keeps
// what the file lacks. Reads wait for the pending writes, then read committed state only, so a
// read never returns data that could still be rolled back. (lowdb's Low only holds data and
// hands it to an adapter; the ordering, coalescing and rollback it lacks live here, over a
// lowdb Adapter.)
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Adapter } from 'lowdb';
import { DurableTextFile, removeStaleTempFiles } from './durable-text-file.ts';
import { loadStoreFile } from './load-store-file.ts';
import type { Collections } from './parse-collections.ts';
import { applyOverlay, newPendingWrite, setIn, type PendingWrite } from './pending-write.ts';
import { planWrites, toVersionedRecord, type StoredRecord } from './plan-writes.ts';
import type { Store, VersionedRecord, WriteOp } from './store.ts';
import { StoreClosedError, StoreWriteError } from './store-errors.ts';
import { encodeStoreFile } from './store-file-format.ts';

/** The slice of a pino logger the store uses. */
export interface StoreLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface LowdbStoreOptions {
  dataDir: string;
  fileName?: string;
  logger?: StoreLogger;
  /** Test seam: how to reach a file (default: DurableTextFile). */
  openFile?: (path: string) => Adapter<string>;
}

export class LowdbStore implements Store {
  #writeCount = 0;
  #inFlight: PendingWrite | undefined;
  #queued: PendingWrite | undefined;
  #flushScheduled = false;
  #closing: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    private readonly dataDir: string,
    private readonly adapter: Adapter<string>,
    private committed: Collections<StoredRecord>,
    private readonly logger: StoreLogger | undefined,
  ) {}

  static async open(options: LowdbStoreOptions): Promise<LowdbStore> {
    const dataDir = resolve(options.dataDir);
    const file = join(dataDir, options.fileName ?? 'store.json');
    const openFile = options.openFile ?? ((path: string) => new DurableTextFile(path));
    await mkdir(dataDir, { recursive: true });
    const removed = await removeStaleTempFiles(file);
    if (removed.length > 0) options.logger?.info({ file, removed }, 'removed stale temp files');
    const collections = await loadStoreFile(file, openFile, options.logger);
    return new LowdbStore(file, dataDir, openFile(file), collections, options.logger);
  }

  /** Completed file writes since open (tests use it to check coalescing). */
  get writeCount(): number {
    return this.#writeCount;
  }

  async get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined> {
    this.#assertOpen();
    await this.#settled();
    const record = this.committed.get(collection)?.get(key);
    return record && toVersionedRecord<T>(key, record);
  }

  async list<T>(collection: string, options?: { prefix?: string }): Promise<VersionedRecord<T>[]> {
    this.#assertOpen();
    await this.#settled();
    const prefix = options?.prefix ?? '';
    return [...(this.committed.get(collection) ?? [])]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, record]) => toVersionedRecord<T>(key, record));
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
  ): Promise<VersionedRecord<T>> {
    const [result] = await this.#mutate([{ kind: 'put', collection, key, value, expectedVersion }]);
    return toVersionedRecord<T>(key, result as StoredRecord);
  }

  async delete(collection: string, key: string, expectedVersion?: number): Promise<boolean> {
    const [result] = await this.#mutate([{ kind: 'delete', collection, key, expectedVersion }]);
    return result === true;
  }

  async batch(ops: WriteOp[]): Promise<void> {
    await this.#mutate(ops);
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await access(this.dataDir, constants.W_OK);
  }

  /** Flushes pending writes; afterwards every call rejects with StoreClosedError. */
  close(): Promise<void> {
    this.#closing ??= this.#settled();
    return this.#closing;
  }

  // Synchronous on purpose (callers are async functions, which run it before their first
  // await): checks and overlay updates happen in call order, so concurrent calls are ordered.
  #mutate(ops: readonly WriteOp[]): Promise<(StoredRecord | boolean)[]> {
    this.#assertOpen();
    const plan = planWrites(ops, (collection, key) => this.#lookup(collection, key));
    if (plan.changes.length === 0) return Promise.resolve(plan.results);
    const pending = (this.#queued ??= newPendingWrite());
    for (const { collection, key, record } of plan.changes) {
      setIn(pending.overlay, collection, key, record);
    }
    this.#scheduleFlush();
    return pending.done.then(() => plan.results);
  }

  #lookup(collection: string, key: string): StoredRecord | undefined {
    for (const pending of [this.#queued, this.#inFlight]) {
      const records = pending?.overlay.get(collection);
      if (records?.has(key)) return records.get(key);
    }
    return this.committed.get(collection)?.get(key);
  }

  // Deferred by a microtask so that calls made in one synchronous burst share the first write.
  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#inFlight) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#inFlight) return;
    const pending = this.#takeQueued();
    if (!pending) return;
    this.#inFlight = pending;
    try {
      const next = applyOverlay(this.committed, pending.overlay);
      await this.adapter.write(encodeStoreFile(next));
      this.committed = next;
      this.#writeCount += 1;
      pending.resolve();
    } catch (cause) {
      const error = new StoreWriteError(this.file, cause);
      this.logger?.error(
        { err: cause, file: this.file },
        'store write failed; changes rolled back',
      );
      pending.reject(error);
      this.#takeQueued()?.reject(error);
    } finally {
      this.#inFlight = undefined;
    }
    if (this.#queued) void this.#flush();
  }

  #takeQueued(): PendingWrite | undefined {
    const queued = this.#queued;
    this.#queued = undefined;
    return queued;
  }

  /** Resolves once every mutation made so far is written or rolled back. */
  async #settled(): Promise<void> {
    await (this.#queued ?? this.#inFlight)?.done.catch(() => undefined);
  }

  #assertOpen(): void {
    if (this.#closing) throw new StoreClosedError();
  }
}

/** Opens (or creates) the store file `fileName` under `dataDir`, creating the folder if needed. */
export function openLowdbStore(options: LowdbStoreOptions): Promise<LowdbStore> {
  return LowdbStore.open(options);
}
