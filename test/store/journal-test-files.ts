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

  constructor(private readonly inner: StoreFiles = nodeStoreFiles) {}

  /** Fsyncs of journal lines so far. */
  get journalSyncs(): number {
    return this.appends.filter((a) => /journal-\d+\.jsonl$/.test(a.path)).length;
  }

  get bytesWritten(): number {
    return [...this.appends, ...this.replaced].reduce((sum, a) => sum + a.bytes, 0);
  }

  /**
   * The next step of this kind (on a matching path) waits until release() is called; reached
   * resolves once a step is waiting there.
   */
  hold(
    step: Step,
    match: (path: string) => boolean = () => true,
  ): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const opened = new Promise<void>((resolve) => (release = resolve));
    this.#gates.push({ step, match, reached, opened });
    this.#releases.push(release);
    return { reached: reachedPromise, release };
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
      const error = this.fail?.('append', path);
      if (error) {
        if (this.tearFailedAppends) await inner.append(text.slice(0, text.length >> 1));
        throw error;
      }
      await inner.append(text);
      this.appends.push({ path, bytes: Buffer.byteLength(text) });
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
    const error = this.fail?.('replace', path);
    if (error) throw error;
    await this.inner.replace(path, text);
    this.replaced.push({ path, bytes: Buffer.byteLength(text) });
  }

  async remove(path: string): Promise<void> {
    await this.#pass('remove', path);
    const error = this.fail?.('remove', path);
    if (error) throw error;
    await this.inner.remove(path);
    this.removed.push(path);
  }

  makeFolder(path: string): Promise<void> {
    return this.inner.makeFolder(path);
  }

  syncFolder(path: string): Promise<void> {
    return this.inner.syncFolder(path);
  }

  async #pass(step: Step, path: string): Promise<void> {
    const index = this.#gates.findIndex((gate) => gate.step === step && gate.match(path));
    if (index < 0) return;
    const [gate] = this.#gates.splice(index, 1);
    gate!.reached();
    await gate!.opened;
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
