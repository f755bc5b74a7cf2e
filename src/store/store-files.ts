// Every change the journaled store makes on disk goes through this seam, so tests can count
// fsyncs, fail a write or hold the store at any step of a commit or checkpoint. Reads go straight
// to node:fs: they change nothing.
import { mkdir, open, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DurableTextFile } from './durable-text-file.ts';

export interface FileAppender {
  readonly path: string;
  /** Bytes in the file (as this appender has written them). */
  readonly size: number;
  /** Appends in one write and resolves once the bytes are on disk (fdatasync). */
  append(text: string): Promise<void>;
  /** Cuts the file back to `size` bytes (undoes a failed or torn append). */
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
}

export interface StoreFiles {
  /** Opens a file for appending, creating it; a new file's directory entry is made durable. */
  openAppender(path: string): Promise<FileAppender>;
  /** Replaces a whole file durably: a lowdb Adapter writing temp, fsync, rename, fsync folder. */
  replace(path: string, text: string): Promise<void>;
  /** Removes a file (a missing one is fine); syncFolder makes removals durable. */
  remove(path: string): Promise<void>;
  /** Creates a folder and its parents, each new entry made durable. */
  makeFolder(path: string): Promise<void>;
  syncFolder(path: string): Promise<void>;
}

export const nodeStoreFiles: StoreFiles = {
  async openAppender(path) {
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    const handle = await open(path, 'a');
    try {
      if (!existed) await syncFolder(dirname(path));
      return new NodeAppender(path, handle, (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  },
  replace: (path, text) => new DurableTextFile(path).write(text),
  remove: (path) => rm(path, { force: true }),
  async makeFolder(path) {
    const first = await mkdir(path, { recursive: true });
    if (first === undefined) return;
    // mkdir returns the first folder it created: make it and each one below it durable.
    for (let folder = path; folder.length >= first.length; folder = dirname(folder)) {
      await syncFolder(dirname(folder));
    }
  },
  syncFolder,
};

class NodeAppender implements FileAppender {
  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    public size: number,
  ) {}

  async append(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    this.size += bytes.length;
    await this.handle.datasync();
  }

  async truncate(size: number): Promise<void> {
    await this.handle.truncate(size);
    await this.handle.datasync();
    this.size = size;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

// Makes creations, renames and removals in a folder durable. Some platforms (Windows) cannot open
// or fsync a folder.
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EBADF'].includes(code)) throw error;
  } finally {
    await handle?.close();
  }
}
