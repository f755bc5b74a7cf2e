// `npm start` (through src/start.ts): configuration → store → buildApp → listen, until SIGINT or
// SIGTERM. Everything the app is made of is assembled in src/app/build-app.ts.
import { buildApp } from './app/build-app.ts';
import { openStore } from './app/open-store.ts';
import { loadConfig, type Config } from './config.ts';
import {
  createLogger,
  readableDestination,
  wantsReadableLogs,
  type RootLogger,
} from './platform/logger.ts';
import { closeServer, listen } from './server.ts';

export interface RunningApp {
  url: string;
  emulatorUrl?: string;
  close(): Promise<void>;
}

export async function startApp(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  logger: RootLogger,
): Promise<RunningApp> {
  const store = await openStore(config, logger);
  const app = await buildApp(config, store, { env, logger });
  const port = await listen(app.server, config.port, config.host);
  const url = `http://localhost:${port}`;
  app.start();
  logger.info(
    {
      pid: process.pid,
      messagingEndpoint: `${url}/api/messages`,
      dataDir: config.dataDir,
      auth: config.bot.appId ? 'on' : 'off (local mode)',
      tenants: app.directory.list().map((t) => t.name),
      tenantsFile: app.tenantsFile || undefined,
      emulator: app.emulator?.url,
      instance: app.ownership.instanceId,
      cluster: config.cluster.mode,
    },
    'bot listening',
  );
  return {
    url,
    emulatorUrl: app.emulator?.url,
    async close() {
      await closeServer(app.server);
      await app.stop();
      await store.close();
    },
  };
}

/** Runs the app from the environment until SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  // A person at a terminal gets readable lines; pipes, files and production get JSON lines.
  const readable = wantsReadableLogs(process.stdout, config.env);
  const logger = createLogger(
    { level: config.logLevel },
    readable ? await readableDestination() : undefined,
  );
  const app = await startApp(config, process.env, logger).catch((err: Error) => {
    logger.fatal({ err }, 'start failed');
    console.error(err.message);
    process.exit(1);
  });
  console.log(`Bot messaging endpoint: ${app.url}/api/messages`);
  if (app.emulatorUrl) console.log(`Defender XDR emulator: ${app.emulatorUrl}`);
  // Handlers stay installed: a second Ctrl-C or SIGTERM while closing (a launcher or an
  // orchestrator repeating itself) must not kill the bot before it has closed cleanly.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.info({ signal }, 'already stopping; waiting for the clean close');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
