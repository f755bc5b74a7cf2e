// A lowdb text adapter that survives crashes and power loss: lowdb's own TextFile (steno) writes
// one fixed temp name without fsync, so two writers collide and a crash can leave an empty file.
import { open, readFile, readdir, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

// Process-wide, so two DurableTextFile objects for one path never pick the same temp name.
let tempCounter = 0;

export class DurableTextFile implements Adapter<string> {
  constructor(readonly path: string) {}

  async read(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  /** Temp file in the same directory, fsync, rename over the target, fsync the directory. */
  async write(text: string): Promise<void> {
    const directory = dirname(this.path);
    tempCounter += 1;
    const temp = join(directory, `.${basename(this.path)}.${process.pid}.${tempCounter}.tmp`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx');
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, this.path);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await syncDirectory(directory);
  }
}

/**
 * Removes temp files left by a process that died mid-write (its pid is gone). Files of live
 * processes are kept: they may be writing right now.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!match || isProcessAlive(Number(match[1]))) continue;
    await rm(join(dirname(path), name), { force: true });
    removed.push(name);
  }
  return removed;
}

// Makes the rename itself durable. Some platforms (Windows) cannot open or fsync a directory.
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EBADF'].includes(errorCode(error) ?? '')) {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
