// The tenants file: every customer tenant the service protects, and how the bot authenticates to
// its Defender XDR. Secrets never live in this file: a client secret is named by the environment
// variable that holds it (secretEnv). Every error names the tenant and the field to fix.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { assertTimeZone } from '../domain/report/zoned-time.ts';
import { weekdays, type CustomerTenant } from '../domain/tenant.ts';
import { locateJsonError } from './locate-json-error.ts';

// A schema-level message would replace the parse-level "Required", so each says both.
const guid = z.guid({
  error: (issue) => (issue.input === undefined ? 'Required' : 'must be a GUID'),
});
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name, e.g. CONTOSO_SECRET');

const credentialSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('clientSecret'), clientId: guid, secretEnv: envName }),
    z.strictObject({
      kind: z.literal('clientCertificate'),
      clientId: guid,
      certificatePath: z.string().min(1),
    }),
    z.strictObject({ kind: z.literal('managedIdentity'), clientId: guid.optional() }),
    z.strictObject({ kind: z.literal('default') }),
  ],
  {
    error: (issue) =>
      issue.input === undefined
        ? 'Required'
        : 'kind must be one of "clientSecret", "clientCertificate", "managedIdentity", "default"',
  },
);
export type DefenderCredentialConfig = z.infer<typeof credentialSchema>;

const contactSchema = z.strictObject({
  userId: z.string().min(1),
  name: z.string().optional(),
  mail: z.email().optional(),
});

const tenantEntrySchema = z.strictObject({
  tenantId: guid,
  name: z.string().min(1),
  expertsAccess: z.enum(['reader', 'operator']).default('reader'),
  roles: z
    .strictObject({
      operators: z.array(z.string().min(1)).default([]),
      readers: z.array(z.string().min(1)).default([]),
    })
    .default({ operators: [], readers: [] }),
  contacts: z
    .strictObject({
      primary: z.array(contactSchema).default([]),
      secondary: z.array(contactSchema).default([]),
    })
    .default({ primary: [], secondary: [] }),
  admins: z.array(z.string().min(1)).default([]),
  socChannels: z
    .array(
      z.strictObject({
        teamId: z.string().min(1).optional(),
        channelId: z.string().min(1),
        name: z.string().optional(),
      }),
    )
    .default([]),
  timeZone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, such as "Europe/Paris" or "UTC"')
    .optional(),
  weeklyReport: z
    .strictObject({ day: z.enum(weekdays), hour: z.number().int().min(0).max(23) })
    .optional(),
  defender: z.strictObject({ credential: credentialSchema }),
  /** Opt-in: install the app through Graph for contacts who never opened it. */
  proactiveInstall: z.boolean().optional(),
  /** Still-contained reminders after this many hours (CONTAINMENT_REMINDER_HOURS otherwise). */
  containmentReminderHours: z.number().positive().max(720).optional(),
  /** Machine tags of high-value devices (typed confirmation before isolate / restrict apps). */
  highValueTags: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  /** Email fallback: the mailbox to send from, the wait, or email always. */
  email: z
    .strictObject({
      from: z.string().min(3).optional(),
      afterMinutes: z.number().int().min(0).max(10_080).optional(),
      mode: z.enum(['fallback', 'always']).optional(),
    })
    .optional(),
});

function isTimeZone(value: string): boolean {
  try {
    assertTimeZone(value);
    return true;
  } catch {
    return false;
  }
}

// Compile-time check that the file's tenant fields produce the domain's CustomerTenant.
type ParsedTenant = Omit<z.infer<typeof tenantEntrySchema>, 'defender'>;
const sameShape: (t: ParsedTenant) => CustomerTenant = (t) => t;
void sameShape;

export interface TenantDefenderConfig {
  tenant: CustomerTenant;
  defender: { credential: DefenderCredentialConfig };
}

export class TenantConfigError extends Error {
  readonly issues: string[];

  constructor(issues: string[]) {
    super(issues.join('\n'));
    this.name = 'TenantConfigError';
    this.issues = issues;
  }
}

const secretKey = /secret|password|privatekey/i;

/** Parses the tenants file's JSON value: an array of tenants, or `{ "tenants": [...] }`. */
export function parseTenantsConfig(
  raw: unknown,
  options: { source: string; baseDir?: string },
): TenantDefenderConfig[] {
  const { source } = options;
  const list = Array.isArray(raw)
    ? (raw as unknown[])
    : isRecord(raw) && Array.isArray(raw.tenants)
      ? (raw.tenants as unknown[])
      : undefined;
  if (list === undefined) {
    throw new TenantConfigError([`${source}: expected an array of tenants or {"tenants": [...]}`]);
  }

  const issues: string[] = [];
  const result: TenantDefenderConfig[] = [];
  const seen = new Map<string, string>();
  list.forEach((entry, index) => {
    const label = `${source}: ${tenantLabel(entry, index)}`;
    const secrets = findSecretFields(entry, []);
    for (const field of secrets) {
      issues.push(
        `${label}: ${field}: secrets must not be stored in the tenants file; put the secret in an ` +
          `environment variable and name it in defender.credential.secretEnv`,
      );
    }
    if (secrets.length > 0) return;

    const parsed = tenantEntrySchema.safeParse(entry, {
      error: (issue) => (issue.input === undefined ? 'Required' : undefined),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            issues.push(`${label}: ${formatPath([...issue.path, key])}: unknown field`);
          }
        } else {
          issues.push(`${label}: ${formatPath(issue.path)}: ${issue.message}`);
        }
      }
      return;
    }
    const { defender, ...tenant } = parsed.data;
    const key = tenant.tenantId.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push(`${label}: tenantId: duplicate of ${first}`);
      return;
    }
    seen.set(key, tenantLabel(entry, index));
    const credential =
      defender.credential.kind === 'clientCertificate' && options.baseDir !== undefined
        ? {
            ...defender.credential,
            certificatePath: path.resolve(options.baseDir, defender.credential.certificatePath),
          }
        : defender.credential;
    result.push({ tenant, defender: { credential } });
  });

  if (issues.length > 0) throw new TenantConfigError(issues);
  return result;
}

/** Reads and parses the tenants file; relative certificate paths resolve against its folder. */
export async function loadTenantsFile(filePath: string): Promise<TenantDefenderConfig[]> {
  const source = path.basename(filePath);
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TenantConfigError([`${source}: cannot read ${path.resolve(filePath)} (${code})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the text, which may hold part of a secret.
    throw new TenantConfigError([`${source}: not valid JSON ${whereInvalid(text)}`]);
  }
  return parseTenantsConfig(raw, { source, baseDir: path.dirname(path.resolve(filePath)) });
}

function whereInvalid(text: string): string {
  let location;
  try {
    location = locateJsonError(text);
  } catch {
    location = undefined; // e.g. nesting deeper than the scanner's stack
  }
  if (!location) return '(the position could not be determined)';
  return `at line ${location.line}, column ${location.column} (${location.problem})`;
}

function tenantLabel(entry: unknown, index: number): string {
  const number = `tenant #${index + 1}`;
  if (!isRecord(entry)) return number;
  if (typeof entry.name === 'string' && entry.name !== '') return `${number} "${entry.name}"`;
  if (typeof entry.tenantId === 'string') return `${number} (${entry.tenantId})`;
  return number;
}

function findSecretFields(value: unknown, at: PropertyKey[]): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => findSecretFields(item, [...at, i]));
  }
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const here = [...at, key];
    if (secretKey.test(key) && key !== 'secretEnv') return [formatPath(here)];
    return findSecretFields(child, here);
  });
}

function formatPath(segments: readonly PropertyKey[]): string {
  if (segments.length === 0) return '(tenant)';
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${String(s)}`))
    .join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
