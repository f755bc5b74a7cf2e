// `npm run bench`: every benchmark in turn, each printing its figures. The emulator's certificate
// is trusted the same way as for the tests (NODE_EXTRA_CA_CERTS, read at process start).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDevCertificate, writeTrustBundle } from '../src/emulator/dev-certificate.ts';

const cert = await ensureDevCertificate('artifacts/tls');
const bundle = await writeTrustBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
const benches: [string, string[]][] = [
  ['bench/store-writes.ts', ['1000']],
  ['bench/store-engine.ts', []],
  ['bench/fanout.ts', ['--contacts', '500']],
  ['bench/poll-delay.ts', ['--interval-ms', '1000', '--samples', '8']],
  ['bench/invoke-latency.ts', []],
  [
    'bench/click-scale.ts',
    [
      '--sizes',
      '100,1000,10000',
      '--clicks',
      '300',
      '--events',
      '3000',
      '--stores',
      'lowdb,tables',
      // Tables at 10,000 too, as the issue asks: Azurite makes it the longest step (its 10,000
      // incidents take about 6 minutes to write here, see the bench's header).
      '--tables-sizes',
      '100,1000,10000',
    ],
  ],
];
let failed = 0;
for (const [file, args] of benches) {
  if (!existsSync(file)) continue;
  console.log(`\n== ${file} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, LOG_LEVEL: 'warn' },
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
