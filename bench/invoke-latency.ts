// Invoke-latency bench: N card clicks (Action.Execute invokes) through the real pipeline —
// HTTP POST /api/messages → restify → CloudAdapter → bot → managed-response handlers — with a
// lowdb store file and the Defender XDR emulator behind the real Defender clients. Prints the
// median and p99 of the time until the invoke's answer (the card the clicker sees).
//
//   node --import tsx bench/invoke-latency.ts [--clicks 1000] [--concurrency 8]
//
// The clicks cycle through what people do on the Actions card: refresh their view, open and
// cancel a confirmation, confirm manual actions, run one-click actions (the first click of each
// starts a Defender action in the background; later ones are answered "in progress" or refused
// as finished, and audited), and a Security Reader's refused click. Background work (Defender
// calls, polling, card-copy updates) runs meanwhile, as in production.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_DEVICE_IDS, DEMO_INCIDENT_IDS } from '../src/emulator/demo-data.ts';
import { openEmbeddedStore } from '../src/app/open-store.ts';
import { sleep } from '../src/platform/sleep.ts';
import { runTrusted } from './run-trusted.ts';
import { READER, startStack } from '../test/bot/managed-response-stack.ts';

await runTrusted(run);

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clicks: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const clicks = Number(values.clicks);
  const concurrency = Number(values.concurrency);
  const incidentId = DEMO_INCIDENT_IDS.expertsInvestigating;
  const devices = Object.entries(DEMO_DEVICE_IDS);
  const oneClick = devices.map(([name, id], i) => ({
    id: `run-${i}`,
    kind: i % 2 === 0 ? 'isolateDevice' : 'restrictAppExecution',
    title: `Contain ${name}`,
    description: `Contain ${name} until the investigation ends.`,
    device: { id, name },
  }));
  const manual = Array.from({ length: 6 }, (_, i) => ({
    id: `manual-${i}`,
    kind: 'manual',
    title: `Manual step ${i + 1}`,
    description: 'Do the thing the experts asked for, then confirm it here.',
  }));

  const dataDir = await mkdtemp(join(tmpdir(), 'invoke-bench-'));
  const store = await openEmbeddedStore(dataDir);
  const stack = await startStack({
    store,
    actionTimings: { toInProgressMs: 200, toFinalMs: 1_000 },
  });
  try {
    const published = await stack.publish(incidentId, {
      summary: {
        headline: 'Credentials were dumped on fin-laptop-07 and reused on three servers.',
        narrative: 'A renamed procdump read lsass.exe memory; the account was then used over SMB.',
        severity: 'high',
        potentialImpact: 'Domain-wide compromise.',
      },
      actions: [...oneClick, ...manual],
    });
    if (published.status !== 201)
      throw new Error(`publish failed: ${published.status} ${await published.text()}`);

    const plan = Array.from({ length: clicks }, (_, i) => click(i));
    function click(i: number): () => ReturnType<typeof stack.invoke> {
      const ids = (actionId: string) => ({ incidentId, actionId });
      const pick = <T>(list: T[]) => list[Math.floor(i / 6) % list.length]!;
      switch (i % 6) {
        case 0:
          return () => stack.invoke('refreshManagedResponse', { incidentId });
        case 1:
          return () => stack.invoke('requestComplete', ids(pick(manual).id));
        case 2:
          return () => stack.invoke('cancelConfirmation', ids(pick(manual).id));
        case 3:
          return () => stack.invoke('runAction', ids(pick(oneClick).id));
        case 4:
          return () => stack.invoke('confirmComplete', ids(pick(manual).id));
        default:
          return () => stack.invoke('runAction', ids(pick(oneClick).id), READER);
      }
    }

    const times: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < plan.length) {
          const send = plan[next++]!;
          const t0 = performance.now();
          const answer = await send();
          times.push(performance.now() - t0);
          if (answer.status !== 200) failures += 1;
        }
      }),
    );
    const wall = performance.now() - started;
    // The started actions' starts, then stop: an action on the demo's offline device stays
    // Pending at Defender (as a device that does not check in does, for days), so waiting for
    // every outcome would never end; what is counted is how many actions Defender was asked for.
    await Promise.race([stack.feature.settle(), sleep(5_000)]);
    await stack.feature.stop();
    const machineActions = stack.emulator.control.listMachineActions(
      '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b',
    ).length;
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(
      JSON.stringify(
        {
          clicks,
          concurrency,
          failures,
          medianMs: round(at(0.5)),
          p95Ms: round(at(0.95)),
          p99Ms: round(at(0.99)),
          maxMs: round(times.at(-1) ?? 0),
          clicksPerSecond: round((clicks / wall) * 1000),
          machineActionsStarted: machineActions,
        },
        null,
        2,
      ),
    );
  } finally {
    await stack.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
