// Environment parsed once into a frozen Config. Nothing else reads process.env.
import { z } from 'zod';
import type { BudgetLimit, BudgetSettings } from './platform/budgets.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const url = (name: string) =>
  z.url({ message: `${name} must be an absolute URL such as https://example.com` });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  STORE: z.enum(['lowdb', 'tables']).default('lowdb'),
  AZURE_STORAGE_CONNECTION_STRING: z.string().default(''),
  AZURE_STORAGE_ACCOUNT_URL: url('AZURE_STORAGE_ACCOUNT_URL').optional(),
  AZURE_STORAGE_TABLE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, '3–63 letters and digits, starting with a letter')
    .default('mrbstore'),
  // Many instances: each customer tenant's background work is owned by one instance at a time
  // through an Azure Blob lease (src/cluster/), on the storage account of STORE=tables.
  CLUSTER: z.enum(['single', 'lease']).default('single'),
  CLUSTER_LEASE_SECONDS: z.coerce.number().int().min(15).max(60).default(30),
  CLUSTER_POLL_SECONDS: z.coerce.number().min(0.1).max(60).default(5),
  CLUSTER_INSTANCE_ID: z.string().default(''),
  CLUSTER_LEASE_CONTAINER: z
    .string()
    .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, '3–63 lower-case letters, digits, dashes')
    .default('mrb-leases'),
  CLUSTER_BLOB_URL: url('CLUSTER_BLOB_URL').optional(),
  METRICS_TOKEN: z.string().default(''),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  // Tests: the embedded store refuses a batch Azure Tables would refuse (over 100 ops).
  STORE_STRICT_BATCHES: bool.default(false),
  // A partition per customer tenant (src/store/partition-router.ts), or everything in `main`.
  STORE_PARTITIONS: z.enum(['single', 'tenant']).default('tenant'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])
    .default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  CertificateThumbprint: z.string().default(''),
  CertificatePrivateKey: z.string().default(''),
  BOT_OPENID_METADATA_URL: url('BOT_OPENID_METADATA_URL').default(
    'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ),
  BOT_EMULATOR_OPENID_METADATA_URL: url('BOT_EMULATOR_OPENID_METADATA_URL').default(
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  ),
  BOT_OPENID_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // Proactive install: Bot Connector URL for a tenant whose conversations the bot has never seen.
  TEAMS_SERVICE_URL: z.url().default('https://smba.trafficmanager.net/teams/'),
  // Email fallback: the mailbox (in each customer tenant) the service sends from, unless the
  // tenants file names one; how long a contact may stay unreached in Teams before the email.
  MAIL_FROM: z.string().default(''),
  EMAIL_FALLBACK_AFTER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(10),
  TENANTS_FILE: z.string().default(''),
  GRAPH_BASE_URL: url('GRAPH_BASE_URL').default('https://graph.microsoft.com'),
  MDE_BASE_URL: url('MDE_BASE_URL').default('https://api.securitycenter.microsoft.com'),
  AZURE_AUTHORITY_HOST: url('AZURE_AUTHORITY_HOST').default('https://login.microsoftonline.com'),
  AZURE_DISABLE_INSTANCE_DISCOVERY: bool.default(false),
  EMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3980),
  EMULATOR_DEMO_AWAITING_SECONDS: z.coerce.number().min(0).default(20),
  EMULATOR_ACTION_MS: z.coerce.number().int().min(10).max(600_000).default(4000),
  POLL_INTERVAL_SECONDS: z.coerce.number().min(1).max(3600).default(10),
  REMINDER_AFTER_MINUTES: z.coerce.number().int().min(1).default(240),
  ESCALATE_AFTER_MINUTES: z.coerce.number().int().min(1).default(1440),
  DIGEST_HOUR_UTC: z.coerce.number().int().min(0).max(23).optional(),
  // Still contained: how long a device stays isolated (or app-restricted) before its incident's
  // contacts and SOC channels are asked whether to keep it so (hours, decimals allowed: 0.5 is
  // 30 min); at most 30 days, so a record is rewritten before retention could prune it.
  CONTAINMENT_REMINDER_HOURS: z.coerce.number().positive().max(720).default(24),
  // "I'm on it" (issue 11): whether a claim holds back reminders and escalation, and how long a
  // claimer may do nothing on the incident before the claim lapses (default: the reminder time).
  CLAIM_PAUSES_REMINDERS: bool.default(true),
  CLAIM_LAPSE_MINUTES: z.coerce.number().int().min(1).optional(),
  EXPERTS_TENANT_ID: z.string().default(''),
  EXPERTS_CHANNEL_ID: z.string().default(''),
  EXPERTS_API_KEY: z.string().default(''),
  EXPERTS_API_AUDIENCE: z.string().default(''),
  EXPERTS_TOKEN_ISSUER: z.string().default(''),
  EXPERTS_JWKS_URL: z.string().default(''),
  EXPERTS_API_ROLE: z.string().default('Experts.Publish'),
  BUDGET_MESSAGES_PER_USER: count(30),
  BUDGET_MESSAGES_PER_TENANT: count(300),
  BUDGET_MESSAGES_WINDOW_SECONDS: count(60),
  BUDGET_CARD_ACTIONS_PER_USER: count(60),
  BUDGET_CARD_ACTIONS_PER_TENANT: count(600),
  BUDGET_CARD_ACTIONS_WINDOW_SECONDS: count(60),
  BUDGET_LOOKUPS_PER_USER: count(20),
  BUDGET_LOOKUPS_PER_TENANT: count(100),
  BUDGET_LOOKUPS_WINDOW_SECONDS: count(600),
  DEFENDER_INTERACTIVE_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  DEFENDER_BACKGROUND_MAX_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  // Graph allows about 150 a minute per tenant: what users may take must leave the watcher room.
  GRAPH_USER_CALLS_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(140, { message: "must leave room under Graph's 150 calls a minute (at most 140)" })
    .default(50),
});

export type EnvInput = Record<string, string | undefined>;

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Where records live: the embedded lowdb store under dataDir, or Azure Tables. */
  readonly store: {
    readonly engine: 'lowdb' | 'tables';
    readonly connectionString: string;
    /** With @azure/identity (managed identity in Azure) when no connection string is set. */
    readonly accountUrl: string | undefined;
    readonly tableName: string;
    /** Delivered jobs, outbox ids, seen activities, digests: days kept after their last write. */
    readonly retentionDays: number;
    /** Audit trails and chat transcripts. */
    readonly auditRetentionDays: number;
    /**
     * lowdb refuses a batch over Azure Tables' 100 ops, as Tables does (STORE_STRICT_BATCHES=1,
     * for tests: lowdb otherwise lifts the limit, which hides oversize batches). Absent: off.
     */
    readonly strictBatches?: boolean;
    /**
     * tenant (STORE_PARTITIONS default): each record in its customer tenant's partition or
     * `_service`; what `main` holds is moved there at open. single: every record in `main`.
     */
    readonly partitions: 'single' | 'tenant';
  };
  /** One instance (single), or many sharing the tenants through Blob leases (lease). */
  readonly cluster: {
    readonly mode: 'single' | 'lease';
    readonly leaseSeconds: number;
    readonly pollMs: number;
    /** Empty: host-pid-random. */
    readonly instanceId: string;
    readonly container: string;
    /** Blob endpoint for a managed identity (no connection string). */
    readonly blobUrl: string | undefined;
  };
  readonly logLevel: string;
  /** Bearer token GET /metrics requires; empty: open (protect it at the ingress). */
  readonly metricsToken: string;
  readonly bot: {
    readonly appId: string;
    readonly appPassword: string;
    readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    readonly appTenantId: string;
    readonly certificateThumbprint: string;
    readonly certificatePrivateKey: string;
    /**
     * Where the signing keys of incoming Bot Framework tokens are published (Bot Connector
     * service; Bot Framework Emulator / Entra ID). Tests point both at a local fake.
     */
    readonly openIdMetadataUrl: string;
    readonly emulatorOpenIdMetadataUrl: string;
    /** Bound on each fetch of that metadata and its keys. */
    readonly openIdTimeoutMs: number;
  };
  /** Bot Connector service URL used for a contact installed through Graph in a tenant never seen. */
  readonly teamsServiceUrl: string;
  /** Email fallback defaults (tenants may override them in the tenants file). */
  readonly email: { readonly from: string; readonly fallbackAfterMinutes: number };
  readonly tenantsFile: string;
  readonly defender: {
    readonly graphBaseUrl: string;
    readonly mdeBaseUrl: string;
    readonly authorityHost: string;
    readonly disableInstanceDiscovery: boolean;
  };
  /** How long Defender calls may wait for the tenant's rate limit, and the users' share of it. */
  readonly defenderLimits: {
    /** Someone waits (a Teams user, the Experts API): all waits of one call, rate limit and retries. */
    readonly interactiveMaxWaitMs: number;
    /** Watcher polls, machine actions, incident tasks: the rate-limit wait of one attempt. */
    readonly backgroundMaxWaitMs: number;
    /** Graph calls per minute and tenant that Teams users' messages may cause (of about 150). */
    readonly graphUserCallsPerMinute: number;
  };
  /** Per user and per tenant, per instance (src/platform/budgets.ts). */
  readonly budgets: BudgetSettings;
  /** Whether to embed the Defender XDR emulator (auto: when no tenants file is configured). */
  readonly emulator: {
    readonly enabled: boolean;
    readonly port: number;
    readonly demoAwaitingSeconds: number;
    /** How long an emulated machine action takes to finish (In progress at 40 % of it). */
    readonly actionMs: number;
  };
  readonly pollIntervalSeconds: number;
  readonly reminders: {
    readonly remindAfterMinutes: number;
    readonly escalateAfterMinutes: number;
    /** Hour (UTC) of the optional daily digest; undefined = off. */
    readonly digestHourUtc: number | undefined;
    /** A claim ("I'm on it") holds back reminders and escalation while it holds. */
    readonly claimPausesReminders: boolean;
    /** A claim lapses after the claimer did nothing on the incident for this long. */
    readonly claimLapseMinutes: number;
  };
  /** Still-contained reminders: after this long, and again each time (tenants may override). */
  readonly containment: {
    readonly reminderHours: number;
  };
  readonly experts: {
    readonly tenantId: string;
    readonly channelId: string;
    readonly apiKey: string;
    readonly audience: string;
    readonly issuer: string;
    readonly jwksUrl: string;
    readonly requiredRole: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every bad variable by name. */
export function loadConfig(env: EnvInput): Config {
  // Empty strings mean "not set" for optional variables, as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.MicrosoftAppId) {
    problems.push(
      'MicrosoftAppId: required when NODE_ENV=production (without it the bot accepts unauthenticated requests)',
    );
  }
  if (e.NODE_ENV === 'production' && e.EMULATOR === 'on') {
    problems.push('EMULATOR: the Defender XDR emulator cannot run when NODE_ENV=production');
  }
  if (e.STORE === 'tables' && !e.AZURE_STORAGE_CONNECTION_STRING && !e.AZURE_STORAGE_ACCOUNT_URL) {
    problems.push(
      'STORE=tables needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL (with a managed identity)',
    );
  }
  if (e.CLUSTER === 'lease' && e.STORE !== 'tables') {
    problems.push(
      'CLUSTER=lease needs STORE=tables: the embedded lowdb store belongs to one process',
    );
  }
  const blobUrl = e.CLUSTER_BLOB_URL ?? e.AZURE_STORAGE_ACCOUNT_URL?.replace('.table.', '.blob.');
  if (e.CLUSTER === 'lease' && !e.AZURE_STORAGE_CONNECTION_STRING && blobUrl === undefined) {
    problems.push(
      'CLUSTER=lease needs AZURE_STORAGE_CONNECTION_STRING or the blob endpoint (CLUSTER_BLOB_URL)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const emulatorEnabled =
    e.EMULATOR === 'on' ||
    (e.EMULATOR === 'auto' && !e.TENANTS_FILE && e.NODE_ENV !== 'production');
  return deepFreeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    store: {
      engine: e.STORE,
      connectionString: e.AZURE_STORAGE_CONNECTION_STRING,
      accountUrl: e.AZURE_STORAGE_ACCOUNT_URL,
      tableName: e.AZURE_STORAGE_TABLE,
      retentionDays: e.RETENTION_DAYS,
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
      strictBatches: e.STORE_STRICT_BATCHES,
      partitions: e.STORE_PARTITIONS,
    },
    cluster: {
      mode: e.CLUSTER,
      leaseSeconds: e.CLUSTER_LEASE_SECONDS,
      pollMs: Math.round(e.CLUSTER_POLL_SECONDS * 1000),
      instanceId: e.CLUSTER_INSTANCE_ID,
      container: e.CLUSTER_LEASE_CONTAINER,
      blobUrl,
    },
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      appTenantId: e.MicrosoftAppTenantId,
      certificateThumbprint: e.CertificateThumbprint,
      certificatePrivateKey: e.CertificatePrivateKey,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
      emulatorOpenIdMetadataUrl: e.BOT_EMULATOR_OPENID_METADATA_URL,
      openIdTimeoutMs: e.BOT_OPENID_TIMEOUT_MS,
    },
    teamsServiceUrl: e.TEAMS_SERVICE_URL,
    email: { from: e.MAIL_FROM, fallbackAfterMinutes: e.EMAIL_FALLBACK_AFTER_MINUTES },
    tenantsFile: e.TENANTS_FILE,
    defender: {
      graphBaseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''),
      mdeBaseUrl: e.MDE_BASE_URL.replace(/\/+$/, ''),
      authorityHost: e.AZURE_AUTHORITY_HOST.replace(/\/+$/, ''),
      disableInstanceDiscovery: e.AZURE_DISABLE_INSTANCE_DISCOVERY,
    },
    defenderLimits: {
      interactiveMaxWaitMs: e.DEFENDER_INTERACTIVE_MAX_WAIT_MS,
      backgroundMaxWaitMs: e.DEFENDER_BACKGROUND_MAX_WAIT_MS,
      graphUserCallsPerMinute: e.GRAPH_USER_CALLS_PER_MINUTE,
    },
    budgets: {
      message: budget(
        e.BUDGET_MESSAGES_PER_USER,
        e.BUDGET_MESSAGES_PER_TENANT,
        e.BUDGET_MESSAGES_WINDOW_SECONDS,
      ),
      cardAction: budget(
        e.BUDGET_CARD_ACTIONS_PER_USER,
        e.BUDGET_CARD_ACTIONS_PER_TENANT,
        e.BUDGET_CARD_ACTIONS_WINDOW_SECONDS,
      ),
      lookup: budget(
        e.BUDGET_LOOKUPS_PER_USER,
        e.BUDGET_LOOKUPS_PER_TENANT,
        e.BUDGET_LOOKUPS_WINDOW_SECONDS,
      ),
    },
    emulator: {
      enabled: emulatorEnabled,
      port: e.EMULATOR_PORT,
      demoAwaitingSeconds: e.EMULATOR_DEMO_AWAITING_SECONDS,
      actionMs: e.EMULATOR_ACTION_MS,
    },
    pollIntervalSeconds: e.POLL_INTERVAL_SECONDS,
    reminders: {
      remindAfterMinutes: e.REMINDER_AFTER_MINUTES,
      escalateAfterMinutes: e.ESCALATE_AFTER_MINUTES,
      digestHourUtc: e.DIGEST_HOUR_UTC,
      claimPausesReminders: e.CLAIM_PAUSES_REMINDERS,
      claimLapseMinutes: e.CLAIM_LAPSE_MINUTES ?? e.REMINDER_AFTER_MINUTES,
    },
    containment: { reminderHours: e.CONTAINMENT_REMINDER_HOURS },
    experts: {
      tenantId: e.EXPERTS_TENANT_ID,
      channelId: e.EXPERTS_CHANNEL_ID,
      apiKey: e.EXPERTS_API_KEY,
      audience: e.EXPERTS_API_AUDIENCE,
      issuer: e.EXPERTS_TOKEN_ISSUER,
      jwksUrl: e.EXPERTS_JWKS_URL,
      requiredRole: e.EXPERTS_API_ROLE,
    },
  });
}

function budget(perUser: number, perTenant: number, windowSeconds: number): BudgetLimit {
  return { perUser, perTenant, windowSeconds };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * STORE_PARTITIONS alone, for stores opened without a Config (tests, benchmarks, scripts):
 * 'single' when it says so, otherwise 'tenant' (the default).
 */
export function partitionsFrom(env: EnvInput): 'single' | 'tenant' {
  return (
    envSchema.shape.STORE_PARTITIONS.safeParse(env.STORE_PARTITIONS || undefined).data ?? 'tenant'
  );
}

/**
 * STORE_STRICT_BATCHES alone, for stores opened without a Config (tests, benchmarks, scripts):
 * true when it is set to a true value.
 */
export function strictBatchesFrom(env: EnvInput): boolean {
  return (
    envSchema.shape.STORE_STRICT_BATCHES.safeParse(env.STORE_STRICT_BATCHES ?? '').data ?? false
  );
}
