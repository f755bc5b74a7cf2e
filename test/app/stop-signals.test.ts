// `npm start`'s launcher and bot under two signals in a row: the bot closes cleanly once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { botCommand } from '../fakes/bot-command.ts';

describe('stopping npm start with two signals in a row', function () {
  this.timeout(90_000);
  let dataDir: string;
  const running: number[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mrb-stop-'));
  });
  afterEach(async () => {
    // A failed run must not leave the bot listening behind the test run.
    for (const pid of running.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('closes the bot cleanly instead of dying mid-close', async () => {
    const launcher = spawn(process.execPath, botCommand(), {
      env: {
        ...withoutTrustMark(process.env),
        NODE_ENV: 'development',
        PORT: '0',
        HOST: '127.0.0.1',
        EMULATOR_PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (launcher.pid) running.push(launcher.pid);
    const lines: Record<string, unknown>[] = [];
    let botPid: number | undefined;
    let buffered = '';
    const listening = new Promise<void>((resolve) => {
      launcher.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const line of parts) {
          if (!line.startsWith('{')) continue;
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'bot listening') {
            botPid = entry.pid as number;
            running.push(botPid);
            resolve();
          }
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => launcher.on('exit', resolve));
    await listening;
    assert.ok(botPid && botPid !== launcher.pid, 'the launcher runs the bot as its child');
    launcher.kill('SIGTERM'); // forwarded to the bot
    process.kill(botPid, 'SIGTERM'); // as a terminal's process group or an orchestrator would
    assert.equal(await exited, 0, 'the bot exited after a clean close');
    // Without the fix the second signal kills the bot (exit code null). Log lines written just
    // before process.exit may not all reach the pipe, so only the first is counted.
    assert.equal(lines.filter((l) => l.msg === 'stopping').length, 1);
  });
});

// The test run itself trusts the emulator certificate; the launcher must do its own re-run.
function withoutTrustMark(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest.MRB_EMULATOR_CA_TRUSTED;
  return rest;
}
