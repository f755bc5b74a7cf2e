// Validates a Teams app manifest against the official JSON schema bundled in
// @microsoft/app-manifest, fully offline: the schema is loaded from the package and passed in, so
// the library never falls back to downloading the `$schema` URL (there is no network in CI).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { AppManifest } from '@microsoft/app-manifest';
import { z } from 'zod';

type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

export function manifestSchemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
}

const header = z.object({
  $schema: z.string(),
  manifestVersion: z.string().regex(/^\d+\.\d+$/, 'must look like "1.19"'),
});

const schemas = new Map<string, Promise<ManifestSchema | undefined>>();

/** The bundled schema for a manifest version, or undefined when the package has none. */
export function loadBundledManifestSchema(
  manifestVersion: string,
): Promise<ManifestSchema | undefined> {
  let schema = schemas.get(manifestVersion);
  if (!schema) {
    schema = readBundledSchema(manifestVersion);
    schemas.set(manifestVersion, schema);
  }
  return schema;
}

async function readBundledSchema(manifestVersion: string): Promise<ManifestSchema | undefined> {
  const packageJson = createRequire(import.meta.url).resolve(
    '@microsoft/app-manifest/package.json',
  );
  const file = new URL(
    `build/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`,
    pathToFileURL(packageJson),
  );
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  // Some bundled schemas contain \a and \v escapes, which JSON does not allow; the library's own
  // loader rewrites them the same way.
  return JSON.parse(text.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as ManifestSchema;
}

/** Returns the problems found (empty when the manifest is valid). */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  const parsed = header.safeParse(manifest);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `/${issue.path.join('/')} ${issue.message}`);
  }
  const { $schema, manifestVersion } = parsed.data;
  const expectedUrl = manifestSchemaUrl(manifestVersion);
  if ($schema !== expectedUrl) {
    return [`/$schema must be ${expectedUrl} for manifestVersion ${manifestVersion}`];
  }
  const schema = await loadBundledManifestSchema(manifestVersion);
  if (!schema) {
    return [`/manifestVersion ${manifestVersion} has no schema in @microsoft/app-manifest`];
  }
  return AppManifestUtils.validateAgainstSchema(manifest as AppManifest, schema);
}

export class ManifestInvalidError extends Error {
  readonly code = 'MANIFEST_INVALID';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`The Teams app manifest is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'ManifestInvalidError';
    this.problems = problems;
  }
}

export async function assertValidManifest(manifest: unknown): Promise<void> {
  const problems = await validateManifest(manifest);
  if (problems.length > 0) throw new ManifestInvalidError(problems);
}
