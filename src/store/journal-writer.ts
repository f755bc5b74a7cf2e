// The commit path of the journaled store. Mutations are checked synchronously, in call order,
// against committed state plus the groups still pending (so compare-and-set sees every earlier
// mutation), and join the queued group. One group at a time is appended to the journal as one
// line and fsynced; only then are its changes applied to committed state and its callers
// resolved. Mutations made while a group is in flight join the next one, so a burst costs a few
// fsyncs. If an append fails, that group and the queued one (checked against it) are rejected
// and nothing of them reaches memory; the next group starts a new journal file, so nothing is
// ever appended after a line that may be torn.
import { join } from 'node:path';
import { encodeJournalLine, type JournalChange } from './journal-line.ts';
import type { PartitionRecord } from './partition-record.ts';
import type { FileAppender, StoreFiles } from './store-files.ts';
import { StoreWriteError } from './store-errors.ts';

export const journalFileName = (number: number): string => `journal-${number}.jsonl`;
export const journalFilePattern = /^journal-(\d+)\.jsonl$/;

interface PendingGroup {
  changes: JournalChange[];
  /** Record id → the record it will hold; null: deleted. */
  overlay: Map<string, PartitionRecord | null>;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

class Journal {
  #appender: Promise<FileAppender> | undefined;
  constructor(
    readonly number: number,
    readonly path: string,
    private readonly files: StoreFiles,
  ) {}
  appender(): Promise<FileAppender> {
    return (this.#appender ??= this.files.openAppender(this.path));
  }
  async close(): Promise<void> {
    const appender = await this.#appender?.catch(() => undefined);
    await appender?.close().catch(() => undefined);
  }
}

export interface JournalWriterOptions {
  folder: string;
  files: StoreFiles;
  firstNumber: number;
  now: () => number;
  /** Applies a durable group to committed state (synchronously). */
  onCommit: (changes: readonly JournalChange[], bytes: number) => void;
  onError: (error: StoreWriteError, cause: unknown) => void;
}

export class JournalWriter {
  #journal: Journal;
  #inFlight: { group: PendingGroup; journal: Journal } | undefined;
  #queued: PendingGroup | undefined;
  #flushScheduled = false;

  constructor(private readonly options: JournalWriterOptions) {
    this.#journal = this.#newJournal(options.firstNumber);
  }

  static recordId(partition: string, collection: string, key: string): string {
    return JSON.stringify([partition, collection, key]);
  }

  /** The pending state of a record: a record, null (deleted), or undefined (not pending). */
  lookup(id: string): PartitionRecord | null | undefined {
    for (const group of [this.#queued, this.#inFlight?.group]) {
      const record = group?.overlay.get(id);
      if (record !== undefined) return record;
    }
    return undefined;
  }

  /** Adds changes to the queued group; resolves once they are durable and applied. */
  enqueue(changes: readonly JournalChange[]): Promise<void> {
    const group = (this.#queued ??= newGroup());
    for (const change of changes) {
      group.changes.push(change);
      if (change.kind === 'append') continue;
      const id = JournalWriter.recordId(change.partition, change.collection, change.key);
      group.overlay.set(id, change.kind === 'put' ? change.record : null);
    }
    this.#scheduleFlush();
    return group.done;
  }

  /**
   * Starts a new journal file for the groups to come (a checkpoint). Resolves with the number of
   * the journal left behind once no append to it is in flight.
   */
  async rotate(): Promise<number> {
    const old = this.#journal;
    this.#journal = this.#newJournal(old.number + 1);
    if (this.#inFlight?.journal === old) await this.#inFlight.group.done.catch(() => undefined);
    await old.close();
    return old.number;
  }

  /** The journal the next group goes to. */
  get currentNumber(): number {
    return this.#journal.number;
  }

  /** Resolves once every mutation enqueued so far is durable or rejected. */
  async settled(): Promise<void> {
    while (this.#queued || this.#inFlight) {
      await (this.#queued ?? this.#inFlight?.group)?.done.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.settled();
    await this.#journal.close();
  }

  // Deferred by a microtask so that calls made in one synchronous burst share the first append.
  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#inFlight) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const group = this.#queued;
    if (this.#inFlight || !group) return;
    this.#queued = undefined;
    const journal = this.#journal;
    this.#inFlight = { group, journal };
    const line = encodeJournalLine(group.changes, this.options.now());
    try {
      await appendLine(await journal.appender(), line);
      this.options.onCommit(group.changes, Buffer.byteLength(line, 'utf8'));
      group.resolve();
    } catch (cause) {
      const error = new StoreWriteError(journal.path, cause);
      this.options.onError(error, cause);
      group.reject(error);
      // Checked against the failed group's changes: it cannot stand without them.
      const queued = this.#queued as PendingGroup | undefined;
      this.#queued = undefined;
      queued?.reject(error);
      if (this.#journal === journal) {
        this.#journal = this.#newJournal(journal.number + 1);
        void journal.close();
      }
    } finally {
      this.#inFlight = undefined;
    }
    if (this.#queued) void this.#flush();
  }

  #newJournal(number: number): Journal {
    const path = join(this.options.folder, journalFileName(number));
    return new Journal(number, path, this.options.files);
  }
}

// A failed append is cut back off (best effort: the next group goes to a new file either way).
async function appendLine(appender: FileAppender, line: string): Promise<void> {
  const before = appender.size;
  try {
    await appender.append(line);
  } catch (error) {
    await appender.truncate(before).catch(() => undefined);
    throw error;
  }
}

function newGroup(): PendingGroup {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // every waiter gets the rejection; this only marks it handled
  return { changes: [], overlay: new Map(), done, resolve, reject };
}
