// Azurite, the local Azure Storage emulator (Blob, Queue, Table), for developers and tests.
//   npm run azurite              well-known ports 10000–10002, data under ./data/azurite
//   npm run azurite -- --memory  same ports, nothing written to disk
// Prints the connection string to give the bot (AZURE_STORAGE_CONNECTION_STRING).
// Tests start it through test/fakes/azurite.ts: in memory, on free ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
export const WELL_KNOWN_PORTS = { blob: 10000, queue: 10001, table: 10002 } as const;

export interface AzuriteOptions {
  /** Keep everything in memory (default for tests) instead of under `location`. */
  inMemory?: boolean;
  /** Data folder when not in memory (default ./data/azurite). */
  location?: string;
  /** 'free': any free ports (tests); 'well-known': 10000–10002 (default). */
  ports?: 'free' | 'well-known';
  host?: string;
  /** How long to wait for the three services to listen. */
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  ports: { blob: number; queue: number; table: number };
  /** Connection string for every Azure SDK client (Blob, Queue, Table endpoints). */
  connectionString: string;
  tableUrl: string;
  blobUrl: string;
  /** Stops Azurite (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at \S+:(\d+)/;

export function devConnectionString(host: string, ports: RunningAzurite['ports']): string {
  const endpoint = (port: number) => `http://${host}:${port}/${DEV_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_ACCOUNT_KEY}`,
    `BlobEndpoint=${endpoint(ports.blob)}`,
    `QueueEndpoint=${endpoint(ports.queue)}`,
    `TableEndpoint=${endpoint(ports.table)}`,
  ].join(';');
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  const wanted = options.ports === 'free' ? { blob: 0, queue: 0, table: 0 } : WELL_KNOWN_PORTS;
  const storage = options.inMemory
    ? ['--inMemoryPersistence']
    : ['--location', resolve(options.location ?? 'data/azurite')];
  if (!options.inMemory) await mkdir(storage[1]!, { recursive: true });
  const bin = createRequire(import.meta.url).resolve('azurite/dist/src/azurite.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      ...storage,
      '--silent',
      '--disableTelemetry',
      ...['--blobHost', host, '--queueHost', host, '--tableHost', host],
      ...['--blobPort', String(wanted.blob), '--queuePort', String(wanted.queue)],
      ...['--tablePort', String(wanted.table)],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const ports = await waitForListening(child, options.startTimeoutMs ?? 20_000);
    return {
      ports,
      connectionString: devConnectionString(host, ports),
      tableUrl: `http://${host}:${ports.table}/${DEV_ACCOUNT}`,
      blobUrl: `http://${host}:${ports.blob}/${DEV_ACCOUNT}`,
      stop: async () => {
        process.off('exit', killOnExit);
        await stopChild(child);
      },
    };
  } catch (error) {
    process.off('exit', killOnExit);
    await stopChild(child);
    throw error;
  }
}

function waitForListening(
  child: ChildProcess,
  timeoutMs: number,
): Promise<RunningAzurite['ports']> {
  return new Promise((resolvePorts, reject) => {
    const ports: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not listen within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        const match = LISTENING.exec(line);
        if (match) ports[match[1]!.toLowerCase() as 'blob'] = Number(match[2]);
      }
      if (ports.blob && ports.queue && ports.table) {
        done();
        resolvePorts({ blob: ports.blob, queue: ports.queue, table: ports.table });
      }
    };
    const onExit = (code: number | null) =>
      fail(new Error(`Azurite exited (code ${code}) before listening:\n${output}`));
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining its output so that Azurite never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const inMemory = process.argv.includes('--memory');
  const azurite = await startAzurite({ inMemory });
  console.log(
    [
      `Azurite is running (${inMemory ? 'in memory' : 'data under ./data/azurite'}):`,
      `  blob  ${azurite.blobUrl}`,
      `  table ${azurite.tableUrl}`,
      `  queue http://127.0.0.1:${azurite.ports.queue}/${DEV_ACCOUNT}`,
      '',
      'Start the bot against it with:',
      `  STORE=tables AZURE_STORAGE_CONNECTION_STRING='${azurite.connectionString}' npm start`,
      '',
      'Ctrl+C stops it.',
    ].join('\n'),
  );
  const stop = () => {
    azurite.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
