// Runs mocha with the emulator's development certificate trusted (NODE_EXTRA_CA_CERTS is read
// only when a process starts, so it must be set for the mocha process itself).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureDevCertificate, writeTrustBundle } from '../src/emulator/dev-certificate.ts';

const cert = await ensureDevCertificate('artifacts/tls');
const bundle = await writeTrustBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
const mochaBin = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const child = spawn(process.execPath, [mochaBin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
