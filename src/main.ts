// Composition root: the only place that constructs infrastructure.
import type { Request, Response } from 'restify';
import { createAdapter } from '../bot/adapter.ts';
import { createBot } from '../bot/create-bot.ts';
import { loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { closeServer, createServer, listen } from './server.ts';
import { ConversationRegistry } from './services/conversation-registry.ts';
import { openLowdbStore } from './store/lowdb-store.ts';

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  const store = await openLowdbStore({ dataDir: config.dataDir, logger });
  const now = () => new Date();
  const conversations = new ConversationRegistry(store);
  const bot = createBot({
    logger,
    conversations,
    now,
    organizationName: () => Promise.resolve(undefined),
  });
  const adapter = createAdapter(config, logger);

  const server = createServer({
    logger,
    processActivity: (req: Request, res: Response) =>
      adapter.process(req, res, (context) => bot.run(context)),
    readiness: async () => {
      const store_ = await store.ping().then(
        () => ({ ok: true }),
        (err: Error) => ({ ok: false, detail: err.message }),
      );
      return { ready: store_.ok, checks: { store: store_ } };
    },
  });
  const port = await listen(server, config.port, config.host);
  const url = `http://localhost:${port}`;
  logger.info(
    {
      messagingEndpoint: `${url}/api/messages`,
      dataDir: config.dataDir,
      auth: config.bot.appId ? 'on' : 'off (local mode)',
    },
    'bot listening',
  );

  return {
    url,
    async close() {
      await closeServer(server);
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
  const logger = createLogger({ level: config.logLevel });
  const app = await startApp(config, logger).catch((err: Error) => {
    logger.fatal({ err }, 'start failed');
    console.error(err.message);
    process.exit(1);
  });
  console.log(`Bot messaging endpoint: ${app.url}/api/messages`);
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
