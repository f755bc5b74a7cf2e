// Test helpers: throwaway data directories and a store file whose writes a test can hold or fail.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Adapter } from 'lowdb';

export const makeTempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mrb-store-'));
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

export function diskError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated disk failure, write`), { code });
}

export class ControllableFile implements Adapter<string> {
  /** Texts of the writes that completed, in order. */
  readonly written: string[] = [];
  started = 0;
  failure: Error | undefined;
  #gate: Promise<void> | undefined;

  constructor(private readonly inner: Adapter<string>) {}

  read(): Promise<string | null> {
    return this.inner.read();
  }

  async write(text: string): Promise<void> {
    this.started += 1;
    await this.#gate;
    if (this.failure) throw this.failure;
    await this.inner.write(text);
    this.written.push(text);
  }

  /** Writes wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.#gate = undefined;
      release();
    };
  }
}

/** Lets queued I/O callbacks and promise jobs run (a write that is not held completes). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
