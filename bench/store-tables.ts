// The Azure Tables store on Azurite (in memory, on this machine) at 100, 1,000 and 10,000 records
// of about 2 KB in one partition: a one-record compare-and-set write, a 20-op batch, a get and a
// list of 100, each as p50/p99 in ms. Print-only. Azurite is not Azure: the figures show how the
// cost moves with the data, not what a storage account answers in (a few ms within a region).
import { startAzurite } from '../scripts/azurite.ts';
import type { DumpedRecord, PartitionWriteOp } from '../src/store/partitioned-store.ts';
import { openTablesStore } from '../src/store/tables-store.ts';

const SIZES = [100, 1_000, 10_000];
const SAMPLES = Number(process.argv[2] ?? '200');

const value = (i: number, round = 0) => ({
  id: `inc-${i}`,
  title: `Multi-stage incident ${i} on one endpoint`,
  status: round % 2 ? 'inProgress' : 'active',
  round,
  description: 'x'.repeat(1_900),
});
const key = (i: number) => `inc-${String(i).padStart(6, '0')}`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Times `run` alone; `prepare` (reads that tell the versions) runs first, untimed. */
async function time<T>(
  samples: number,
  run: (i: number, prepared: T) => Promise<unknown>,
  prepare: (i: number) => Promise<T> = async () => undefined as T,
) {
  const ms: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const prepared = await prepare(i);
    const started = performance.now();
    await run(i, prepared);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

const azurite = await startAzurite({ inMemory: true, ports: 'free' });
try {
  console.log(`Azure Tables store on Azurite, ~2 KB records in one partition, ${SAMPLES} samples`);
  console.log(
    'records   write p50/p99   batch(20) p50/p99   get p50   list(100) p50' +
      '   | SDK alone: get p50   batch(20) p50   (ms)',
  );
  for (const size of SIZES) {
    const store = await openTablesStore({
      connectionString: azurite.connectionString,
      tableName: `bench${size}x${Date.now()}`,
    });
    const records = Array.from({ length: size }, (_, i): DumpedRecord => ({
      partition: 'bench',
      collection: 'incidents',
      key: key(i),
      version: 1,
      value: value(i),
    }));
    await store.load(records);
    const p = store.partition('bench');
    const versions = new Map<string, number>();
    const pick = (i: number) => key((i * 7919) % size);
    const known = async (k: string) => {
      const version = versions.get(k) ?? (await p.get('incidents', k))!.version;
      versions.set(k, version);
      return version;
    };
    // A write after a read, as the app does: the version (and its ETag) is known.
    const write = await time(
      SAMPLES,
      async (i, version: number) => {
        const k = pick(i);
        versions.set(k, (await p.put('incidents', k, value(i, version), version)).version);
      },
      (i) => known(pick(i)),
    );
    const batch = await time(
      Math.ceil(SAMPLES / 4),
      async (_i, ops: PartitionWriteOp[]) => {
        await p.batch(ops);
        for (const op of ops) versions.set(op.key, op.expectedVersion! + 1);
      },
      async (i) => {
        const ops: PartitionWriteOp[] = [];
        for (let j = 0; j < 20; j += 1) {
          const k = key((i * 20 + j) % size);
          const expectedVersion = await known(k);
          ops.push({
            kind: 'put',
            collection: 'incidents',
            key: k,
            value: value(j, i),
            expectedVersion,
          });
        }
        return ops;
      },
    );
    const get = await time(SAMPLES, (i) => p.get('incidents', pick(i)));
    const list = await time(Math.ceil(SAMPLES / 4), (i) =>
      p.list('incidents', { after: pick(i), limit: 100 }),
    );
    // Azurite's own cost on the same table, through the SDK alone: what the engine adds is the
    // difference (Azurite's in-memory tables scan, so both grow with the table; Azure does not).
    const rawGet = await time(SAMPLES, (i) =>
      store.client.getEntity('bench', `incidents|${pick(i)}`),
    );
    const rawRow = (j: number) => ({
      partitionKey: 'bench',
      rowKey: `raw|r${j}`,
      d0: 'x'.repeat(2_000),
    });
    await store.client.submitTransaction(
      Array.from({ length: 20 }, (_, j) => ['upsert', rawRow(j), 'Replace']),
    );
    const rawBatch = await time(Math.ceil(SAMPLES / 4), () =>
      store.client.submitTransaction(
        Array.from({ length: 20 }, (_, j) => ['update', rawRow(j), 'Replace', { etag: '*' }]),
      ),
    );
    const f = (n: number) => n.toFixed(1);
    console.log(
      `${String(size).padStart(7)}   ${f(write.p50).padStart(5)} / ${f(write.p99).padEnd(6)}` +
        `  ${f(batch.p50).padStart(6)} / ${f(batch.p99).padEnd(9)}` +
        `  ${f(get.p50).padStart(6)}    ${f(list.p50).padStart(8)}` +
        `        ${f(rawGet.p50).padStart(6)}   ${f(rawBatch.p50).padStart(8)}`,
    );
    await store.close();
  }
} finally {
  await azurite.stop();
}
