// The Defender XDR emulator in a process of its own, for the benchmarks: in production Defender
// and Graph answer from Microsoft's servers, so the CPU the emulator spends answering the bot's
// calls (TLS, parsing, its machine-action book) is not the bot's. In the bench's own process it
// was counted in every click's figures and competed with the bot on one event loop. The child
// runs the same startEmulator as the tests; the parent reaches its control API over HTTPS
// (`/_emulator/…`), the same code the in-process control runs.
//
// Run as a child: `node --import tsx bench/emulator-process.ts` with EMULATOR_OPTIONS (JSON of
// { actionTimings, demoAwaitingAfterMs }) in the environment; it prints one JSON line with its
// addresses, then serves until stdin closes or SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDevCertificate } from '../src/emulator/dev-certificate.ts';
import { startEmulator, type EmulatorOptions } from '../src/emulator/emulator.ts';
import type { IncidentPatchInput } from '../src/emulator/control-api.ts';

export interface EmulatorProcessOptions {
  actionTimings?: EmulatorOptions['actionTimings'];
  demoAwaitingAfterMs?: number | null;
}

export interface EmulatorAddresses {
  url: string;
  authorityHost: string;
  graphBaseUrl: string;
  mdeBaseUrl: string;
}

export interface EmulatorProcess extends EmulatorAddresses {
  /** PATCH `/_emulator/tenants/{t}/incidents/{id}` (as the experts: the emulator's control). */
  patchIncident(tenantId: string, id: string, patch: IncidentPatchInput): Promise<void>;
  /** The process's CPU time so far (user + system, ms), read from the child itself. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

export async function startEmulatorProcess(
  options: EmulatorProcessOptions,
): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, EMULATOR_OPTIONS: JSON.stringify(options) },
  });
  const lines = createInterface({ input: child.stdout });
  const pending: ((line: string) => void)[] = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      pending.push(resolve);
      child.once('exit', (code) => reject(new Error(`emulator process exited (${code})`)));
    });
  const addresses = JSON.parse(await nextLine()) as EmulatorAddresses;
  const control = `${addresses.url}/_emulator`;
  return {
    ...addresses,
    async patchIncident(tenantId, id, patch) {
      const res = await fetch(`${control}/tenants/${tenantId}/incidents/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      });
      if (!res.ok) throw new Error(`patch ${id}: ${res.status} ${await res.text()}`);
    },
    async cpuMs() {
      const line = nextLine();
      child.stdin.write('cpu\n');
      return Number(await line);
    },
    close: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}

async function serve(): Promise<void> {
  const options = JSON.parse(process.env.EMULATOR_OPTIONS ?? '{}') as EmulatorProcessOptions;
  const tls = await ensureDevCertificate('artifacts/tls');
  const emulator = await startEmulator({
    tls,
    port: 0,
    ...(options.actionTimings ? { actionTimings: options.actionTimings } : {}),
    demoAwaitingAfterMs: options.demoAwaitingAfterMs ?? null,
  });
  const { url, authorityHost, graphBaseUrl, mdeBaseUrl } = emulator;
  process.stdout.write(`${JSON.stringify({ url, authorityHost, graphBaseUrl, mdeBaseUrl })}\n`);
  const commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    if (line !== 'cpu') return;
    const used = process.cpuUsage();
    process.stdout.write(`${Math.round((used.user + used.system) / 1000)}\n`);
  });
  const stop = () => void emulator.close().then(() => process.exit(0));
  commands.on('close', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] === SELF) await serve();
