// Benchmarks that call the embedded emulator over HTTPS need its certificate trusted from process
// start (NODE_EXTRA_CA_CERTS is read only then): this re-runs the script once with it trusted.
import { spawn } from 'node:child_process';
import { ensureDevCertificate, writeTrustBundle } from '../src/emulator/dev-certificate.ts';

export async function runTrusted(run: () => Promise<void>): Promise<void> {
  if (process.env.BENCH_TRUSTED) {
    await run();
    return;
  }
  const bundle = await writeTrustBundle(
    await ensureDevCertificate('artifacts/tls'),
    process.env.NODE_EXTRA_CA_CERTS,
  );
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, BENCH_TRUSTED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
}
