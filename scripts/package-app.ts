// `npm run package`: builds the Teams app package for upload (Teams admin center or "Upload a
// custom app"). Environment: MicrosoftAppId (the bot's app id; empty → demo id with a warning),
// BOT_DOMAIN (host name serving the bot, default localhost).
//   npm run package [-- --demo] [-- --out path/to/app.zip]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { demoBotId, packageApp } from '../manifest/package-app.ts';

const defaultOut = fileURLToPath(new URL('../artifacts/managed-response.zip', import.meta.url));

const environment = z.object({
  MicrosoftAppId: z.string().trim().default(''),
  BOT_DOMAIN: z.string().trim().default(''),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { demo: { type: 'boolean', default: false }, out: { type: 'string' } },
    strict: true,
  });
  const env = environment.parse(process.env);
  let botId = env.MicrosoftAppId;
  if (values.demo || botId === '') {
    const reason = values.demo ? '--demo' : 'MicrosoftAppId is not set';
    console.warn(
      `warning: ${reason}, so the package uses the demo bot id ${demoBotId}. ` +
        'Teams can load it, but messages reach your bot only with its real Microsoft App ID.',
    );
    botId = demoBotId;
  }
  const outFile = await packageApp({
    botId,
    botDomain: env.BOT_DOMAIN === '' ? 'localhost' : env.BOT_DOMAIN,
    outFile: values.out ?? defaultOut,
  });
  console.log(outFile);
}

main().catch((error: unknown) => {
  console.error(
    `npm run package failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
