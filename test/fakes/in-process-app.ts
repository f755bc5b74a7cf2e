// The whole app as `npm start` composes it (startApp: restify server, CloudAdapter, the embedded
// Defender XDR emulator, lowdb under a temporary DATA_DIR), inside the test process, with its
// JSON log lines captured. The emulator gets the test process's development certificate (trusted
// by scripts/run-mocha.ts), copied into DATA_DIR/tls where startApp looks for it.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, partitionsFrom } from '../../src/config.ts';
import { ensureDevCertificate } from '../../src/emulator/dev-certificate.ts';
import type { EmulatorStats } from '../../src/emulator/emulator.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startApp } from '../../src/main.ts';

export interface InProcessApp {
  /** http://127.0.0.1:PORT */
  base: string;
  emulatorUrl: string;
  dataDir: string;
  logs: Record<string, unknown>[];
  emulatorStats(): Promise<EmulatorStats>;
  /** The text of every store file, concatenated (after close(), everything written is in it). */
  storeText(): Promise<string>;
  close(): Promise<void>;
  /** close(), then the temporary DATA_DIR goes too. */
  dispose(): Promise<void>;
}

export async function startInProcessApp(env: Record<string, string> = {}): Promise<InProcessApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mrb-app-'));
  const cert = await ensureDevCertificate('artifacts/tls');
  await mkdir(path.join(dataDir, 'tls'), { recursive: true });
  await copyFile(cert.certPath, path.join(dataDir, 'tls', 'emulator-cert.pem'));
  await copyFile(cert.keyPath, path.join(dataDir, 'tls', 'emulator-key.pem'));
  const fullEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    EMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    EMULATOR_DEMO_AWAITING_SECONDS: '3600',
    // The tests' STORE_PARTITIONS (default tenant) runs the app with the layout of their stores.
    STORE_PARTITIONS: partitionsFrom(process.env),
    ...env,
  };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = loadConfig(fullEnv);
  const app = await startApp(config, fullEnv, createLogger({ level: config.logLevel }, sink));
  const emulatorUrl = app.emulatorUrl ?? '';
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= app.close());
  return {
    base: app.url.replace('//localhost:', '//127.0.0.1:'),
    emulatorUrl,
    dataDir,
    logs,
    emulatorStats: async () =>
      (await (await fetch(`${emulatorUrl}/_emulator/stats`)).json()) as EmulatorStats,
    storeText: () => storeFilesText(path.join(dataDir, 'store')),
    close,
    async dispose() {
      await close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function storeFilesText(folder: string): Promise<string> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  const texts = await Promise.all(files.sort().map((file) => readFile(file, 'utf8')));
  return texts.join('\n');
}
