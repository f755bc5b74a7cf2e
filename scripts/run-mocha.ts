// Runs mocha with the emulator's development certificate trusted (NODE_EXTRA_CA_CERTS is read
// only when a process starts, so it must be set for the mocha process itself), and the start
// command built for the tests that run the bot as a child process (scripts/build-test-bot.ts).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureDevCertificate, writeTrustBundle } from '../src/emulator/dev-certificate.ts';
import { buildTestBot, TEST_BOT_ENV } from './build-test-bot.ts';

const cert = await ensureDevCertificate('artifacts/tls');
const bundle = await writeTrustBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
const testBot = await buildTestBot('artifacts/test-bot');
const mochaBin = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const child = spawn(process.execPath, [mochaBin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [TEST_BOT_ENV]: testBot },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
