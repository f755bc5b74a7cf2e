// How the journaled store is opened, and the defaults of what callers leave out.
import { MAX_BATCH_OPS, type AppendOnlyCollection } from './partitioned-store.ts';
import { nodeStoreFiles, type StoreFiles } from './store-files.ts';

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
  /** Checkpoint once the journal holds this many bytes, or as many as the data (default 4 MiB). */
  checkpointBytes?: number;
  /** ...or this long after the first change since the last checkpoint (default 60 s). */
  checkpointIntervalMs?: number;
  /** A collection's shard files hold about this much each (default 256 KiB). */
  maxShardBytes?: number;
  /**
   * Most ops one batch may hold (default 100, Azure Tables' limit, so that code written against
   * this engine runs on Tables). The flat Store over one partition raises it: a lowdb journal
   * line is atomic whatever its size.
   */
  maxBatchOps?: number;
  /** Test seam: every change on disk goes through it. */
  files?: StoreFiles;
}

export type JournalStoreSettings = Required<Omit<JournalStoreOptions, 'logger' | 'appendOnly'>> &
  Pick<JournalStoreOptions, 'logger'>;

export function withDefaults(options: JournalStoreOptions): JournalStoreSettings {
  return {
    dataDir: options.dataDir,
    now: options.now ?? Date.now,
    checkpointBytes: options.checkpointBytes ?? 4 * 1024 * 1024,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 60_000,
    maxShardBytes: options.maxShardBytes ?? 256 * 1024,
    maxBatchOps: options.maxBatchOps ?? MAX_BATCH_OPS,
    files: options.files ?? nodeStoreFiles,
    logger: options.logger,
  };
}
