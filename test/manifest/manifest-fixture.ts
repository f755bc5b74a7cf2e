import { readFile } from 'node:fs/promises';
import { fillManifest } from '../../manifest/fill-manifest.ts';

export const testBotId = '11111111-2222-4333-8444-555555555555';
export const testBotDomain = 'bot.contoso.example';

export async function readManifestTemplate(): Promise<unknown> {
  const file = new URL('../../manifest/manifest.template.json', import.meta.url);
  return JSON.parse(await readFile(file, 'utf8'));
}

/** The template filled as packaging fills it; typed loosely so tests can poke at it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into arbitrary manifest JSON
export async function filledManifest(): Promise<any> {
  return fillManifest(await readManifestTemplate(), {
    BOT_ID: testBotId,
    BOT_DOMAIN: testBotDomain,
  });
}
