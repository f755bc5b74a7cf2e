// Crash safety: a writer killed with SIGKILL mid-burst leaves a file that parses and holds
// every put it acknowledged.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openLowdbStore } from '../../src/store/lowdb-store.ts';
import { makeTempDir, removeDir } from './test-files.ts';

const writerScript = fileURLToPath(new URL('./fixtures/burst-writer.ts', import.meta.url));
const killAfterAcks = 300;

describe('LowdbStore durability', function () {
  this.timeout(30_000);
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await removeDir(dir);
  });

  it('keeps every acknowledged put when the writer is SIGKILLed mid-burst', async () => {
    const writer = spawn(process.execPath, ['--import', 'tsx', writerScript, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = writer;
    let stdout = '';
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(writer, 'exit');
    const outputClosed = once(writer.stdout, 'close');
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split('\n').length > killAfterAcks) resolve();
      });
      writer.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    writer.kill('SIGKILL');
    const [code, signal] = await exited;
    await outputClosed;
    assert.deepEqual([code, signal], [null, 'SIGKILL'], 'the writer must die mid-burst');

    // Lines printed before the kill are acknowledged puts; a cut-off last line is not.
    const acknowledged = stdout.split('\n').slice(0, -1);
    assert.ok(acknowledged.length >= killAfterAcks);
    const store = await openLowdbStore({ dataDir: dir });
    const saved = new Map((await store.list<{ n: number }>('burst')).map((r) => [r.key, r]));
    for (const key of acknowledged) {
      assert.equal(saved.get(key)?.value.n, Number(key.slice(1)), `acknowledged ${key} is missing`);
    }
    await store.close();
  });
});
