// One process per store folder: lowdb files and journals shared by two processes lose updates.
// The lock is a file holding the owner's pid, created exclusively. A lock whose pid is dead is
// stale (the owner was killed) and is taken over; so is one holding our own pid that this
// process does not hold (a container restarted, its bot is pid 1 again).
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'store.lock';

export class StoreLockedError extends Error {
  readonly code = 'STORE_LOCKED';
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(
      pid === process.pid
        ? `The store in ${folder} is already open in this process (pid ${pid}): open it once and share it.`
        : `The store in ${folder} is in use by process ${pid}: stop that process first, or give this one another DATA_DIR. Two processes must never share one store.`,
    );
    this.name = 'StoreLockedError';
  }
}

const heldHere = new Set<string>();

export interface StoreLock {
  release(): Promise<void>;
}

export async function acquireStoreLock(folder: string): Promise<StoreLock> {
  const path = join(folder, LOCK_FILE);
  if (heldHere.has(path)) throw new StoreLockedError(folder, process.pid);
  heldHere.add(path); // before any await: a second open in this process fails at once
  try {
    for (let attempt = 0; !(await tryCreate(path)); attempt++) {
      const owner = await readPid(path);
      if (owner === undefined) continue; // released meanwhile: try again
      if (owner !== process.pid && isAlive(owner)) throw new StoreLockedError(folder, owner);
      if (attempt >= 3) throw new StoreLockedError(folder, owner);
      await takeOverStale(path, owner, folder);
    }
  } catch (error) {
    heldHere.delete(path);
    throw error;
  }
  return {
    async release() {
      heldHere.delete(path);
      if ((await readPid(path)) === process.pid) await rm(path, { force: true });
    },
  };
}

// Written to a temp file first and linked into place: the lock appears with its pid in it, so
// nobody ever reads an empty lock and mistakes it for a stale one.
async function tryCreate(path: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${process.pid}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

// Moved aside rather than removed, so that of two processes taking over the same stale lock
// neither removes the fresh lock of the other: whoever moved a live lock puts it back.
async function takeOverStale(path: string, stalePid: number, folder: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readPid(aside);
  if (moved !== stalePid && moved !== undefined && isAlive(moved)) {
    await link(aside, path).catch(() => undefined);
    await rm(aside, { force: true });
    throw new StoreLockedError(folder, moved);
  }
  await rm(aside, { force: true });
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
