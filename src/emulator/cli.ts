// `npm run emulator`: the Defender XDR emulator on its own, with the demo tenants, for trying a
// client by hand or pointing a separately started bot at it.
import path from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from './demo-data.ts';
import { ensureDevCertificate } from './dev-certificate.ts';
import { startEmulator } from './emulator.ts';

const env = z
  .object({
    DATA_DIR: z.string().min(1).default('./data'),
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3980),
    EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  })
  .parse(process.env);

const logger = pino({ name: 'emulator' });
const certificate = await ensureDevCertificate(path.join(env.DATA_DIR, 'tls'));
const emulator = await startEmulator({
  host: env.EMULATOR_HOST,
  port: env.EMULATOR_PORT,
  tls: certificate,
  logger: {
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
  },
});

console.log(`
Defender XDR emulator running at ${emulator.url}

  AZURE_AUTHORITY_HOST=${emulator.authorityHost}
  GRAPH_BASE_URL=${emulator.graphBaseUrl}
  MDE_BASE_URL=${emulator.mdeBaseUrl}
  Control API: ${emulator.url}/_emulator (faults, stats, incidents, machines, users,
               installedApps, sentMail, roles, reset)

  Demo tenant "Contoso":  tenant ${DEMO_TENANT_ID}
                          client ${DEMO_CLIENT_ID}
                          secret ${DEMO_CLIENT_SECRET}
  Tenant "Fabrikam":      tenant ${FABRIKAM_TENANT_ID}
                          client ${FABRIKAM_CLIENT_ID}
                          secret ${FABRIKAM_CLIENT_SECRET}

  Clients must trust the development certificate; start them with
  NODE_EXTRA_CA_CERTS=${certificate.certPath}
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping the emulator');
  emulator.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.warn({ err }, 'emulator did not close cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
