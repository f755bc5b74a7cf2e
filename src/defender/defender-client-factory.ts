// Builds the Defender XDR clients of every customer tenant from the tenants file and the
// configured endpoints. The emulator is only other base URLs and authority host: same code path.
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { TokenCredential } from '@azure/identity';
import { NotFoundError } from '../domain/errors.ts';
import type { CustomerTenant } from '../domain/tenant.ts';
import {
  createTenantCredential,
  credentialClientId,
  type CredentialOptions,
  type CredentialTarget,
} from './credentials.ts';
import { DefenderHttpClient, type FetchLike } from './defender-http-client.ts';
import { GraphIncidentsClient } from './graph-incidents-client.ts';
import { GraphTeamsAppsClient } from './graph-teams-apps-client.ts';
import { GraphMailClient } from './graph-mail-client.ts';

import { MachinesClient } from './machines-client.ts';
import { MachineActionsClient } from './machine-actions-client.ts';
import {
  graphRateWindows,
  graphUserRateWindows,
  mdeRateWindows,
  RateLimitGate,
  type RateWindow,
} from './rate-limit-gate.ts';
import type { Sleep } from '../platform/sleep.ts';
import type { Telemetry } from '../platform/telemetry.ts';
import type { RetrySettings } from './retry-settings.ts';
import type { TenantDefenderConfig } from './tenant-config.ts';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const DEFAULT_MDE_BASE_URL = 'https://api.securitycenter.microsoft.com';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const MDE_SCOPE = 'https://api.securitycenter.microsoft.com/.default';

export interface DefenderClientFactoryOptions {
  graphBaseUrl?: string;
  mdeBaseUrl?: string;
  /** AZURE_AUTHORITY_HOST from config; undefined = Entra ID's public cloud. */
  authorityHost?: string;
  disableInstanceDiscovery?: boolean;
  graphScope?: string;
  mdeScope?: string;
  /** Where client secrets are looked up (secretEnv); defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: FetchLike;
  retry?: Partial<RetrySettings>;
  /** Waits between retries (Retry-After, backoff); the rate limits always use timers. */
  sleep?: Sleep;
  random?: () => number;
  now?: Clock;
  logger?: Logger;
  /** Counts 429s, retries and rate-limit waits (GET /metrics). */
  telemetry?: Telemetry;
  /**
   * Client-side quotas per tenant; defaults are Defender's documented limits. `graphUser`: the
   * part of the Graph quota that calls caused by Teams users may take (default a third).
   */
  rateWindows?: {
    graph?: readonly RateWindow[];
    graphUser?: readonly RateWindow[];
    mde?: readonly RateWindow[];
  };
  /** Replaces @azure/identity (unit tests). */
  createCredential?: (target: CredentialTarget, options: CredentialOptions) => TokenCredential;
}

export interface TenantDefenderClients {
  tenant: CustomerTenant;
  incidents: GraphIncidentsClient;
  machineActions: MachineActionsClient;
  /** Proactive install of the Teams app for contacts (same Graph client and rate limit). */
  teamsApps: GraphTeamsAppsClient;
  /** Email fallback: sendMail from the service mailbox, contacts' addresses. */
  mail: GraphMailClient;

  machines: MachinesClient;
}

export class DefenderClientFactory {
  private readonly clients = new Map<string, TenantDefenderClients>();

  /** Builds every tenant's credential now, so a missing secret stops start-up with its name. */
  constructor(
    tenants: readonly TenantDefenderConfig[],
    options: DefenderClientFactoryOptions = {},
  ) {
    const graphGate = new RateLimitGate(options.rateWindows?.graph ?? graphRateWindows, {
      userWindows: options.rateWindows?.graphUser ?? graphUserRateWindows,
    });
    const mdeGate = new RateLimitGate(options.rateWindows?.mde ?? mdeRateWindows);
    const createCredential = options.createCredential ?? createTenantCredential;
    const credentialOptions: CredentialOptions = {};
    if (options.authorityHost !== undefined)
      credentialOptions.authorityHost = options.authorityHost;
    if (options.disableInstanceDiscovery !== undefined) {
      credentialOptions.disableInstanceDiscovery = options.disableInstanceDiscovery;
    }
    if (options.env !== undefined) credentialOptions.env = options.env;

    for (const { tenant, defender } of tenants) {
      const credential = createCredential(
        { tenantId: tenant.tenantId, tenantName: tenant.name, credential: defender.credential },
        credentialOptions,
      );
      const common = {
        credential,
        tenantId: tenant.tenantId,
        clientId: credentialClientId(defender.credential),
        ...(options.fetch && { fetch: options.fetch }),
        ...(options.retry && { retry: options.retry }),
        ...(options.sleep && { sleep: options.sleep }),
        ...(options.random && { random: options.random }),
        ...(options.now && { now: options.now }),
        ...(options.logger && { logger: options.logger }),
        ...(options.telemetry && { telemetry: options.telemetry }),
      };
      const graph = new DefenderHttpClient({
        ...common,
        api: 'graph',
        baseUrl: options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
        scope: options.graphScope ?? GRAPH_SCOPE,
        gate: graphGate,
      });
      const mde = new DefenderHttpClient({
        ...common,
        api: 'mde',
        baseUrl: options.mdeBaseUrl ?? DEFAULT_MDE_BASE_URL,
        scope: options.mdeScope ?? MDE_SCOPE,
        gate: mdeGate,
      });
      this.clients.set(tenant.tenantId.toLowerCase(), {
        tenant,
        incidents: new GraphIncidentsClient(graph, tenant.tenantId),
        machineActions: new MachineActionsClient(mde, tenant.tenantId),
        teamsApps: new GraphTeamsAppsClient(graph),
        mail: new GraphMailClient(graph),

        machines: new MachinesClient(mde, tenant.tenantId),
      });
    }
  }

  /** The clients of a configured tenant; NotFoundError for a tenant the file does not list. */
  forTenant(tenantId: string): TenantDefenderClients {
    const clients = this.clients.get(tenantId.toLowerCase());
    if (!clients) throw new NotFoundError('customer tenant', tenantId);
    return clients;
  }

  tenants(): CustomerTenant[] {
    return [...this.clients.values()].map((c) => c.tenant);
  }
}
