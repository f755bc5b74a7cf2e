// `npm run test:unit`: the whole mocha suite in three lanes at once, so that the browser journeys
// (mostly waiting on a bot, a Playground and Chromium) and the cluster tests (mostly waiting for
// Blob leases to lapse) overlap the CPU-bound rest instead of following it. Lane "main" streams
// its output; lanes "e2e" (test/e2e/) and "cluster" (test/cluster/) are buffered and printed when
// they end, so lanes never interleave. The exit code is non-zero if any lane fails.
// The emulator's certificate and the tests' build of the start command (scripts/build-test-bot.ts)
// are made once here, before the lanes start (run-mocha.ts does the same for one lane, for
// targeted runs).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureDevCertificate, writeTrustBundle } from '../src/emulator/dev-certificate.ts';
import { buildTestBot, TEST_BOT_ENV } from './build-test-bot.ts';

const E2E = 'test/e2e/**/*.test.ts';
const CLUSTER = 'test/cluster/**/*.test.ts';
const cert = await ensureDevCertificate('artifacts/tls');
const bundle = await writeTrustBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
const testBot = await buildTestBot('artifacts/test-bot');
const mochaBin = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const env = { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [TEST_BOT_ENV]: testBot };

interface LaneResult {
  name: string;
  code: number;
  seconds: number;
}

function lane(name: string, args: string[], buffered: boolean): Promise<LaneResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [mochaBin, ...args], {
    stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env,
  });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      if (buffered) {
        process.stdout.write(`\n===== lane ${name} =====\n`);
        process.stdout.write(Buffer.concat(chunks));
      }
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      resolve({ name, code: code ?? (signal ? 1 : 0), seconds });
    });
  });
}

const results = await Promise.all([
  lane('main', ['test/**/*.test.ts', '--ignore', E2E, '--ignore', CLUSTER], false),
  lane('e2e', [E2E], true),
  lane('cluster', [CLUSTER], true),
]);
for (const r of results)
  console.log(
    `lane ${r.name}: ${r.code === 0 ? 'passed' : `FAILED (${r.code})`} in ${r.seconds} s`,
  );
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
