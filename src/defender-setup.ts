// Where the bot gets Defender from: the configured tenants and endpoints, or, when no tenants
// file is configured, the embedded emulator with its demo tenants. Same clients either way.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Config } from './config.ts';
import {
  DefenderClientFactory,
  type DefenderClientFactoryOptions,
} from './defender/defender-client-factory.ts';
import { loadTenantsFile } from './defender/tenant-config.ts';
import { DEMO_CLIENT_SECRET, FABRIKAM_CLIENT_SECRET } from './emulator/demo-data.ts';
import { ensureDevCertificate } from './emulator/dev-certificate.ts';
import { startEmulator, type RunningEmulator } from './emulator/emulator.ts';
import type { Logger } from './platform/logger.ts';

export const DEMO_TENANTS_FILE = fileURLToPath(
  new URL('./emulator/demo-tenants.json', import.meta.url),
);

export interface DefenderSetup {
  factory: DefenderClientFactory;
  emulator?: RunningEmulator;
  tenantsFile: string;
}

/** How the Defender clients retry and wait (buildApp configures them once for the whole app). */
export type DefenderClientTuning = Pick<
  DefenderClientFactoryOptions,
  'retry' | 'sleep' | 'random' | 'now' | 'telemetry'
>;

export async function setUpDefender(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  tuning: DefenderClientTuning = {},
): Promise<DefenderSetup> {
  let endpoints = config.defender;
  let secrets = env;
  let emulator: RunningEmulator | undefined;
  let tenantsFile = config.tenantsFile;
  if (config.emulator.enabled) {
    const certificate = await ensureDevCertificate(path.join(config.dataDir, 'tls'));
    emulator = await startEmulator({
      port: config.emulator.port,
      tls: certificate,
      demoAwaitingAfterMs: config.emulator.demoAwaitingSeconds * 1000,
      actionTimings: {
        toInProgressMs: Math.round(config.emulator.actionMs * 0.4),
        toFinalMs: config.emulator.actionMs,
      },
      logger: logger.child({ component: 'emulator' }),
    });
    endpoints = {
      graphBaseUrl: emulator.graphBaseUrl,
      mdeBaseUrl: emulator.mdeBaseUrl,
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    };
    tenantsFile ||= DEMO_TENANTS_FILE;
    // The demo tenants file names these variables, as a real one names its own.
    secrets = {
      DEMO_CONTOSO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      DEMO_FABRIKAM_CLIENT_SECRET: FABRIKAM_CLIENT_SECRET,
      ...env,
    };
  }
  const tenants = tenantsFile ? await loadTenantsFile(tenantsFile) : [];
  if (tenants.length === 0) logger.warn({}, 'no customer tenants configured (TENANTS_FILE)');
  const limits = config.defenderLimits;
  const factory = new DefenderClientFactory(tenants, {
    ...endpoints,
    env: secrets,
    ...tuning,
    retry: {
      interactiveMaxWaitMs: limits.interactiveMaxWaitMs,
      backgroundMaxWaitMs: limits.backgroundMaxWaitMs,
      ...tuning.retry,
    },
    rateWindows: { graphUser: [{ points: limits.graphUserCallsPerMinute, durationSeconds: 60 }] },
    logger: logger.child({ component: 'defender' }),
  });
  return { factory, emulator, tenantsFile };
}
