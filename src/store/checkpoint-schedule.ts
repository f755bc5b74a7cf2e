// When the journaled store checkpoints: once the journal holds checkpointBytes, or as many bytes
// as the live data if that is more (so each checkpoint, which rewrites at most all the data, is
// paid for by as many journal bytes, and the bytes per write stay flat as a tenant grows; a
// restart replays at most that much); or checkpointIntervalMs after the first change since the
// last one. One checkpoint at a time. After a failure only the timer retries, so a broken disk is
// not hammered on every write; the journal keeps everything meanwhile.
import type { CheckpointReport } from './checkpoint.ts';

export interface CheckpointScheduleOptions {
  checkpointBytes: number;
  checkpointIntervalMs: number;
  /** Runs one checkpoint; `retention`: also look for days past retention (once a day). */
  run: (retention: boolean) => Promise<CheckpointReport>;
  now: () => number;
  onBackgroundError: (error: unknown) => void;
}

export class CheckpointSchedule {
  #journalBytes: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CheckpointReport> | undefined;
  #failed = false;
  #retentionDay = '';
  #stopped = false;

  constructor(
    private readonly options: CheckpointScheduleOptions,
    journalBytes: number,
  ) {
    this.#journalBytes = journalBytes;
    if (journalBytes > 0) this.#arm();
  }

  /** A journal line of `bytes` was committed; the store holds `liveBytes` of records. */
  committed(bytes: number, liveBytes: number): void {
    this.#journalBytes += bytes;
    if (this.#stopped || this.#running) return;
    const threshold = Math.max(this.options.checkpointBytes, liveBytes);
    if (this.#journalBytes >= threshold && !this.#failed) this.#inBackground();
    else this.#arm();
  }

  /** Runs a checkpoint now, after the one running if any (it may predate the latest commits). */
  async run(): Promise<CheckpointReport> {
    while (this.#running) await this.#running.catch(() => undefined);
    this.#running = this.#runOnce();
    try {
      return await this.#running;
    } finally {
      this.#running = undefined;
    }
  }

  /** No more checkpoints start by themselves (the store is closing). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #runOnce(): Promise<CheckpointReport> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const bytes = this.#journalBytes;
    this.#journalBytes = 0; // the rotation starts a new journal
    const today = new Date(this.options.now()).toISOString().slice(0, 10);
    try {
      const report = await this.options.run(this.#retentionDay !== today);
      this.#retentionDay = today;
      this.#failed = false;
      return report;
    } catch (error) {
      this.#journalBytes += bytes;
      this.#failed = true;
      throw error;
    } finally {
      if (this.#journalBytes > 0) this.#arm();
    }
  }

  #inBackground(): void {
    this.run().catch(this.options.onBackgroundError);
  }

  #arm(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running && !this.#stopped) this.#inBackground();
    }, this.options.checkpointIntervalMs);
    this.#timer.unref();
  }
}
