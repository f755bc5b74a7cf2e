import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { z } from 'zod';
import { checkIcons } from './check-icons.ts';
import { fillManifest } from './fill-manifest.ts';
import { assertValidManifest, ManifestInvalidError } from './validate-manifest.ts';

/** Bot id used for a demo package when no MicrosoftAppId is configured; not a registered app. */
export const demoBotId = '40ae45b8-1038-4a8f-97a9-4a652a503710';

const manifestDirectory = new URL('./', import.meta.url);
// Fixed entry times keep the zip byte-for-byte reproducible for the same inputs.
const entryTime = new Date('2025-01-01T00:00:00Z');

const guid = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const hostName =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

const optionsSchema = z.object({
  botId: z.string().regex(guid, "must be the bot's Microsoft App ID (MicrosoftAppId), a GUID"),
  botDomain: z
    .string()
    .regex(
      hostName,
      '(BOT_DOMAIN) must be a host name such as bot.contoso.com (no https://, port or path)',
    ),
  outFile: z.string().min(1),
});

export type PackageAppOptions = z.input<typeof optionsSchema>;

const iconPaths = z.object({ icons: z.object({ color: z.string(), outline: z.string() }) });

/**
 * Writes the Teams app package: a zip with manifest.json (placeholders filled, validated against
 * the bundled official schema), color.png and outline.png at its root. Returns the absolute path.
 */
export async function packageApp(options: PackageAppOptions): Promise<string> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`Cannot package the Teams app: ${problems.join('; ')}`);
  }
  const { botId, botDomain, outFile } = parsed.data;

  const template: unknown = JSON.parse(
    await readFile(new URL('manifest.template.json', manifestDirectory), 'utf8'),
  );
  const manifest = fillManifest(template, { BOT_ID: botId, BOT_DOMAIN: botDomain });
  await assertValidManifest(manifest);

  const { icons } = iconPaths.parse(manifest);
  const color = await readFile(new URL(icons.color, manifestDirectory));
  const outline = await readFile(new URL(icons.outline, manifestDirectory));
  const iconProblems = checkIcons({ color, outline });
  if (iconProblems.length > 0) throw new ManifestInvalidError(iconProblems);

  const zip = new yazl.ZipFile();
  const entry = { mtime: entryTime, mode: 0o100644 };
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', entry);
  zip.addBuffer(color, icons.color, entry);
  zip.addBuffer(outline, icons.outline, entry);
  zip.end();

  const target = resolve(outFile);
  const partial = `${target}.partial`;
  await mkdir(dirname(target), { recursive: true });
  try {
    await pipeline(zip.outputStream, createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return target;
}
