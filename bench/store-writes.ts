// How many file writes the lowdb store makes for a burst of concurrent updates, and how long the
// burst takes to become durable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLowdbStore } from '../src/store/lowdb-store.ts';

const burst = Number(process.argv[2] ?? '1000');
const dir = await mkdtemp(path.join(tmpdir(), 'bench-store-'));
const store = await openLowdbStore({ dataDir: dir });
const started = performance.now();
await Promise.all(
  Array.from({ length: burst }, (_, i) => store.put('bench', `k${i}`, { i, at: Date.now() })),
);
const ms = performance.now() - started;
console.log(
  `store: ${burst} concurrent puts durable in ${ms.toFixed(0)} ms with ${store.writeCount} file writes (${(burst / (ms / 1000)).toFixed(0)} puts/s)`,
);
await store.close();
await rm(dir, { recursive: true, force: true });
