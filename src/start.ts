// `npm start`: runs the bot. When the embedded Defender XDR emulator is used, the bot process must
// trust the emulator's TLS certificate, which Node reads only at start (NODE_EXTRA_CA_CERTS), so
// this launcher makes the certificate and re-runs itself with it trusted: TLS checks stay on.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from './config.ts';
import { ensureDevCertificate, writeTrustBundle } from './emulator/dev-certificate.ts';

const TRUSTED_MARK = 'MRB_EMULATOR_CA_TRUSTED';

async function launch(): Promise<void> {
  let emulatorEnabled = false;
  let dataDir = './data';
  try {
    const config = loadConfig(process.env);
    emulatorEnabled = config.emulator.enabled;
    dataDir = config.dataDir;
  } catch {
    // main() reports configuration errors with their variable names
  }
  if (!emulatorEnabled || process.env[TRUSTED_MARK] === '1') {
    // Loaded only here: the launcher that re-runs itself need not load the whole bot first.
    const { main } = await import('./main.ts');
    await main();
    return;
  }
  const cert = await ensureDevCertificate(path.join(dataDir, 'tls'));
  const bundle = await writeTrustBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [TRUSTED_MARK]: '1' },
  });
  // The bot closes cleanly on its first signal; later ones are not forwarded (a second Ctrl-C
  // reaches the bot anyway through the terminal's process group, and the bot ignores it).
  let forwarded = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (forwarded) return;
      forwarded = true;
      child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

await launch();
