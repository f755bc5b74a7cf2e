// `npm run playground`: the Agents Playground against the bot started by `npm start`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlayground } from './start-playground.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const botEndpoint =
  process.env.BOT_ENDPOINT ?? `http://127.0.0.1:${process.env.PORT ?? '3978'}/api/messages`;
const port = Number(process.env.PLAYGROUND_PORT ?? '56150');
const configPath = process.env.PLAYGROUND_CONFIG ?? path.join(here, 'playground', 'customer.yml');

const playground = await startPlayground({ botEndpoint, port, configPath, inheritOutput: true });
console.log(
  `\nAgents Playground: ${playground.url}  (bot: ${botEndpoint}, mock data: ${configPath})`,
);
console.log('Open it in a browser; Ctrl+C stops it.');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void playground.stop().then(() => process.exit(0)));
}
