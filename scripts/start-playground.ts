// Starts the Microsoft 365 Agents Playground (headless, no telemetry) against a bot endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

export interface PlaygroundOptions {
  botEndpoint: string;
  port: number;
  configPath: string;
  logFile?: string;
  /** Inherit stdio (interactive use) instead of piping it. */
  inheritOutput?: boolean;
}

export interface RunningPlayground {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(
    process.execPath,
    [
      cli,
      '--app-endpoint',
      options.botEndpoint,
      '--channel-id',
      'msteams',
      '--port',
      String(options.port),
      '--disable-telemetry',
    ],
    {
      stdio: options.inheritOutput ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath,
        ...(options.logFile ? { M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile } : {}),
      },
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://localhost:${options.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`The Agents Playground exited with ${child.exitCode}:\n${output}`);
    }
    const pong = await fetch(`${url}/_debug/ping`).then(
      (r) => r.text(),
      () => '',
    );
    if (pong.includes('pong')) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`The Agents Playground did not start on port ${options.port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
