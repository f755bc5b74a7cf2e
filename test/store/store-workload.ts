// A deterministic mixed workload (puts, compare-and-sets, deletes, expiring records, batches,
// audit appends, odd keys, several partitions), applied step by step to any partitioned store, so
// that two engines fed the same steps can be compared record for record.
import type { PartitionWriteOp, Store } from '../../src/store/partitioned-store.ts';

const partitions = ['tenant-a', 'Tenant-B', '_service'];
const collections = ['incidents', 'deliveries', 'keys'];
const keys = ['a', 'b', 'c', 'd', 'e', '__proto__', 'a/b', 'ü', '日本', 'x y', '0010', '009'];

/** A small seeded PRNG (mulberry32): the same seed gives the same steps everywhere. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorkloadStep {
  partition: string;
  ops: PartitionWriteOp[];
}

/** The steps of a workload; `now` places expiries and audit days. */
export function workloadSteps(seed: number, count: number, now: () => number): WorkloadStep[] {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const steps: WorkloadStep[] = [];
  for (let n = 0; n < count; n++) {
    const partition = pick(partitions);
    const roll = random();
    const op = (key = pick(keys)): PartitionWriteOp => {
      const value = { n, text: 'x'.repeat(Math.floor(random() * 300)) };
      const collection = pick(collections);
      const kind = random();
      if (kind < 0.15) return { kind: 'delete', collection, key };
      if (kind < 0.3)
        return { kind: 'put', collection, key, value, expectedVersion: Math.floor(random() * 3) };
      if (kind < 0.4) {
        const expiresAt = new Date(now() + Math.floor(random() * 600_000)).toISOString();
        return { kind: 'put', collection, key, value, expiresAt };
      }
      return { kind: 'put', collection, key, value };
    };
    if (roll < 0.1) {
      const at = new Date(now() - Math.floor(random() * 5) * 86_400_000).toISOString();
      steps.push({
        partition,
        ops: [
          { kind: 'put', collection: 'audit', key: `${at}|${n}`, value: { n }, expectedVersion: 0 },
        ],
      });
    } else if (roll < 0.25) {
      const [k1, k2, k3] = [...keys].sort(() => random() - 0.5);
      steps.push({ partition, ops: [op(k1), op(k2), op(k3)] });
    } else steps.push({ partition, ops: [op()] });
  }
  return steps;
}

/** Applies one step; the outcome ('ok' or an error code) must be the same on every engine. */
export async function applyStep(store: Store, step: WorkloadStep): Promise<string> {
  try {
    await store.partition(step.partition).batch(step.ops);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).name;
  }
}
