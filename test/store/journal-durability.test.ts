// Crash safety of the journaled store: a writer killed with SIGKILL mid-burst (commits,
// checkpoints and layout growths under way) leaves a store that opens and holds every batch it
// acknowledged; twice over, on the same folder. While the writer lives, nobody else may open it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openJournalStore } from '../../src/store/journal-store.ts';
import { StoreLockedError } from '../../src/store/store-lock.ts';
import { makeTempDir, removeDir } from './test-files.ts';

const writerScript = fileURLToPath(new URL('./fixtures/journal-burst-writer.ts', import.meta.url));
const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('JournalStore durability', function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await removeDir(dir);
  });

  /** Runs the writer from `first` until `acks` batches are acknowledged, then SIGKILLs it. */
  const burst = async (
    first: number,
    acks: number,
    whileRunning?: (pid: number) => Promise<void>,
  ) => {
    const writer = spawn(process.execPath, ['--import', 'tsx', writerScript, dir, String(first)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = writer;
    let stdout = '';
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(writer, 'exit');
    const outputClosed = once(writer.stdout, 'close');
    let checked = false;
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const count = stdout.split('\n').length - 1;
        if (!checked && count > 0 && whileRunning) {
          checked = true;
          whileRunning(writer.pid!).catch(reject);
        }
        if (count >= acks) resolve();
      });
      writer.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    writer.kill('SIGKILL');
    const [code, signal] = await exited;
    await outputClosed;
    assert.deepEqual([code, signal], [null, 'SIGKILL'], 'the writer must die mid-burst');
    // Lines printed before the kill are acknowledged batches; a cut-off last line is not.
    return stdout.split('\n').slice(0, -1);
  };

  const assertAllSaved = async (acknowledged: string[]) => {
    const store = await openJournalStore({ dataDir: dir, appendOnly: [{ name: 'audit' }] });
    const p = store.partition(tenant);
    const saved = new Map((await p.list<{ n: number }>('incidents')).map((r) => [r.key, r]));
    const audited = new Set((await p.list('audit')).map((r) => r.key.split('|')[1]));
    for (const key of acknowledged) {
      assert.equal(saved.get(key)?.value.n, Number(key.slice(1)), `acknowledged ${key} is missing`);
      assert.ok(audited.has(key), `the audit record of ${key} is missing`);
    }
    await store.close();
  };

  it('keeps every acknowledged batch when the writer is SIGKILLed mid-burst, twice', async () => {
    let lockError: unknown;
    const first = await burst(0, 1500, async (pid) => {
      lockError = await openJournalStore({ dataDir: dir }).then(
        (store) => store.close().then(() => undefined),
        (error: unknown) => error,
      );
      assert.ok(
        lockError instanceof StoreLockedError,
        `a second process opened the store: ${String(lockError)}`,
      );
      assert.equal(lockError.pid, pid);
      assert.match(lockError.message, new RegExp(`${dir}.*process ${pid}`));
    });
    assert.ok(first.length >= 1500);
    await assertAllSaved(first);
    const second = await burst(1_000_000, 1500);
    await assertAllSaved([...first, ...second]);
  });
});
