// Test seams for the journaled store: a StoreFiles that counts what reaches the disk and can hold
// or fail any step, a copy of a data folder as a crash would leave it, and dump helpers.
import { cp, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { nodeStoreFiles, type FileAppender, type StoreFiles } from '../../src/store/store-files.ts';
import type { DumpableStore, DumpedRecord } from '../../src/store/partitioned-store.ts';
import { makeTempDir } from './test-files.ts';

type Step = 'append' | 'replace' | 'remove';

interface Gate {
  step: Step;
  match: (path: string) => boolean;
  /** Once a step has reached it, every later step of its kind waits too, until release. */
  triggered: boolean;
  reached: () => void;
  opened: Promise<void>;
}

export class InstrumentedFiles implements StoreFiles {
  /** Completed appends (each one fsync), in order. */
  readonly appends: { path: string; bytes: number }[] = [];
  readonly replaced: { path: string; bytes: number }[] = [];
  readonly removed: string[] = [];
  /** Returns an error to fail a step with (before it changes anything), or undefined. */
  fail: ((step: Step, path: string) => Error | undefined) | undefined;
  /** Appends that fail write half their text first, as a full disk would. */
  tearFailedAppends = false;
  failTruncate = false;
  readonly #gates: Gate[] = [];
  readonly #releases: (() => void)[] = [];
  #underWay = 0;

  constructor(private readonly inner: StoreFiles = nodeStoreFiles) {}

  /** Fsyncs of journal lines so far. */
  get journalSyncs(): number {
    return this.appends.filter((a) => /journal-\d+\.jsonl$/.test(a.path)).length;
  }

  get bytesWritten(): number {
    return [...this.appends, ...this.replaced].reduce((sum, a) => sum + a.bytes, 0);
  }

  /**
   * From the first step of this kind on a matching path, every step of this kind waits until
   * release() is called. reached resolves once a step waits there and none is still under way,
   * so the files on disk stand still, as a crash would leave them (checkpoints write several
   * files at a time).
   */
  hold(
    step: Step,
    match: (path: string) => boolean = () => true,
  ): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const opened = new Promise<void>((resolve) => (release = resolve));
    const gate: Gate = { step, match, triggered: false, reached, opened };
    this.#gates.push(gate);
    this.#releases.push(release);
    return {
      reached: reachedPromise,
      release: () => {
        this.#gates.splice(this.#gates.indexOf(gate) >>> 0, 1);
        release();
      },
    };
  }

  /** Opens every gate (a test that failed while holding one must not hang its cleanup). */
  releaseAll(): void {
    this.#gates.length = 0;
    for (const release of this.#releases) release();
  }

  async openAppender(path: string): Promise<FileAppender> {
    const inner = await this.inner.openAppender(path);
    const append = async (text: string) => {
      await this.#pass('append', path);
      await this.#run(async () => {
        const error = this.fail?.('append', path);
        if (error) {
          if (this.tearFailedAppends) await inner.append(text.slice(0, text.length >> 1));
          throw error;
        }
        await inner.append(text);
        this.appends.push({ path, bytes: Buffer.byteLength(text) });
      });
    };
    const truncate = async (size: number) => {
      if (this.failTruncate) throw new Error('EIO: simulated truncate failure');
      await inner.truncate(size);
    };
    return {
      path,
      get size() {
        return inner.size;
      },
      append,
      truncate,
      close: () => inner.close(),
    };
  }

  async replace(path: string, text: string): Promise<void> {
    await this.#pass('replace', path);
    await this.#run(async () => {
      const error = this.fail?.('replace', path);
      if (error) throw error;
      await this.inner.replace(path, text);
      this.replaced.push({ path, bytes: Buffer.byteLength(text) });
    });
  }

  async remove(path: string): Promise<void> {
    await this.#pass('remove', path);
    await this.#run(async () => {
      const error = this.fail?.('remove', path);
      if (error) throw error;
      await this.inner.remove(path);
      this.removed.push(path);
    });
  }

  makeFolder(path: string): Promise<void> {
    return this.inner.makeFolder(path);
  }

  syncFolder(path: string): Promise<void> {
    return this.inner.syncFolder(path);
  }

  async #pass(step: Step, path: string): Promise<void> {
    const gate = this.#gates.find((g) => g.step === step && (g.triggered || g.match(path)));
    if (gate) {
      gate.triggered = true;
      this.#checkReached();
      await gate.opened;
    }
  }

  /** Runs a step that changes the disk, counted as under way meanwhile. */
  async #run<T>(action: () => Promise<T>): Promise<T> {
    this.#underWay += 1;
    try {
      return await action();
    } finally {
      this.#underWay -= 1;
      this.#checkReached();
    }
  }

  #checkReached(): void {
    if (this.#underWay > 0) return;
    for (const gate of this.#gates) if (gate.triggered) gate.reached();
  }
}

/** What a crash at this instant would leave: a copy of the data folder, opened elsewhere. */
export async function copyAsCrashed(dataDir: string): Promise<string> {
  const copy = await makeTempDir();
  await cp(dataDir, copy, { recursive: true });
  return copy;
}

/** Every record of a store, in a stable order, for comparing two stores. */
export async function sortedDump(store: DumpableStore): Promise<DumpedRecord[]> {
  const records: DumpedRecord[] = [];
  for await (const record of store.dump()) records.push(record);
  const id = (r: DumpedRecord) => JSON.stringify([r.partition, r.collection, r.key]);
  return records.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

/** Files under the store folder (relative paths), sorted. */
export async function storeFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'store');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

export const readText = (path: string): Promise<string> => readFile(path, 'utf8');
