// The store engines side by side, in one run: the old LowdbStore (one store.json, rewritten on
// every write) and the journaled engine (journal + lowdb shard files), at 100, 1,000 and 10,000
// incident-sized records (~2 KB each) in one tenant, with audit records accumulating beside them.
// Prints per engine and size: a one-record durable write and a 20-op batch (p50/p99), a get and a
// list of 100 (p50), the bytes written per one-record write, and for the journaled engine a
// sustained phase (16 writers, background checkpoints running) with its p99 and the bytes per
// write checkpoints included; then the ratio 10,000 / 100 of each figure.
//
//   node --import tsx bench/store-engine.ts [--sizes 100,1000,10000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DurableTextFile } from '../src/store/durable-text-file.ts';
import { openJournalStore } from '../src/store/journal-store.ts';
import { openLowdbStore } from '../src/store/lowdb-store.ts';
import { nodeStoreFiles, type StoreFiles } from '../src/store/store-files.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100,1000,10000' } } });
const sizes = values.sizes.split(',').map(Number);
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

interface Engine {
  put(key: string, value: unknown): Promise<void>;
  batch(incidents: [string, unknown][], audits: [string, unknown][]): Promise<void>;
  get(key: string): Promise<unknown>;
  list100(): Promise<unknown[]>;
  /** Bytes written to files since open. */
  bytes(): number;
  /** Waits for background work (a checkpoint) so that the measures start from a steady state. */
  settle?(): Promise<void>;
  sustained?(writes: number, size: number): Promise<{ p99: number; bytesPerWrite: number }>;
  close(): Promise<void>;
}

const key = (n: number) => `inc-${String(n).padStart(5, '0')}`;
let serial = 0;
/** An incident as the watcher stores it, about 2 KB of JSON. */
function incident(n: number): unknown {
  serial += 1;
  return {
    id: String(n),
    tenantId: TENANT,
    displayName: `Multi-stage incident involving Initial access & Lateral movement on one endpoint #${n}`,
    status: serial % 3 === 0 ? 'inProgress' : 'active',
    severity: 'high',
    assignedTo: 'Defender Experts',
    classification: 'truePositive',
    determination: 'multiStagedAttack',
    lastUpdateDateTime: new Date(Date.UTC(2026, 11, 2) + serial * 1000).toISOString(),
    alerts: Array.from({ length: 4 }, (_, a) => ({
      id: `da${n}-${a}`,
      title: 'Suspicious PowerShell command line',
      category: 'Execution',
    })),
    summary: 'The experts saw credential theft attempts followed by lateral movement. '.repeat(18),
  };
}
const auditKey = (n: number) =>
  `${new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString()}|${TENANT}|${n}`;
const audit = (n: number) => ({
  actor: 'alex@contoso.example',
  action: 'isolateDevice',
  incident: key(n % 100),
  n,
});

async function openOld(dir: string): Promise<Engine> {
  let bytes = 0;
  const store = await openLowdbStore({
    dataDir: dir,
    openFile: (path) => {
      const file = new DurableTextFile(path);
      return {
        read: () => file.read(),
        write: (text: string) => ((bytes += Buffer.byteLength(text)), file.write(text)),
      };
    },
  });
  return {
    put: async (k, v) => void (await store.put('incidents', `${TENANT}/${k}`, v)),
    batch: (incidents, audits) =>
      store.batch([
        ...incidents.map(([k, value]) => ({
          kind: 'put' as const,
          collection: 'incidents',
          key: `${TENANT}/${k}`,
          value,
        })),
        ...audits.map(([k, value]) => ({
          kind: 'put' as const,
          collection: 'audit',
          key: k,
          value,
          expectedVersion: 0,
        })),
      ]),
    get: (k) => store.get('incidents', `${TENANT}/${k}`),
    list100: () => store.list('incidents', { prefix: `${TENANT}/inc-000` }),
    bytes: () => bytes,
    close: () => store.close(),
  };
}

async function openJournaled(dir: string): Promise<Engine> {
  let bytes = 0;
  const files: StoreFiles = {
    ...nodeStoreFiles,
    async openAppender(path) {
      const appender = await nodeStoreFiles.openAppender(path);
      return Object.assign(Object.create(appender) as typeof appender, {
        append: (text: string) => ((bytes += Buffer.byteLength(text)), appender.append(text)),
      });
    },
    replace: (path, text) => (
      (bytes += Buffer.byteLength(text)),
      nodeStoreFiles.replace(path, text)
    ),
  };
  const store = await openJournalStore({ dataDir: dir, files, appendOnly: [{ name: 'audit' }] });
  const p = store.partition(TENANT);
  return {
    put: async (k, v) => void (await p.put('incidents', k, v)),
    batch: (incidents, audits) =>
      p.batch([
        ...incidents.map(([k, value]) => ({
          kind: 'put' as const,
          collection: 'incidents',
          key: k,
          value,
        })),
        ...audits.map(([k, value]) => ({
          kind: 'put' as const,
          collection: 'audit',
          key: k.replace(`|${TENANT}`, ''),
          value,
          expectedVersion: 0,
        })),
      ]),
    get: (k) => p.get('incidents', k),
    list100: () => p.list('incidents', { prefix: 'inc-000', limit: 100 }),
    bytes: () => bytes,
    settle: async () => void (await store.checkpoint()),
    async sustained(writes, size) {
      const before = bytes;
      const times: number[] = [];
      let next = 0;
      const writer = async () => {
        while (next < writes) {
          const n = next++;
          const started = performance.now();
          await p.put('incidents', key((n * 7919) % size), incident(n));
          times.push(performance.now() - started);
        }
      };
      await Promise.all(Array.from({ length: 16 }, writer));
      await store.checkpoint(); // what these writes left to fold in counts too
      return { p99: percentile(times, 0.99), bytesPerWrite: (bytes - before) / writes };
    },
    close: () => store.close(),
  };
}

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

interface Subject {
  size: number;
  dir: string;
  engine: Engine;
  row: Row;
  audits: number;
  /** Takes part in every n-th round of the slow (write) measures only. */
  every: number;
}
type Row = Record<string, number>;

/**
 * Runs one measure round-robin over the sizes, so that whatever else loads the machine (disk
 * flushes, other processes) falls on every size alike and the ratios compare like with like.
 */
async function interleaved(
  subjects: Subject[],
  rounds: number,
  slow: boolean,
  run: (subject: Subject, i: number) => Promise<unknown>,
): Promise<Map<Subject, number[]>> {
  const times = new Map(subjects.map((subject) => [subject, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const subject of subjects) {
      if (slow && round % subject.every !== 0) continue;
      const samples = times.get(subject)!;
      const started = performance.now();
      await run(subject, samples.length);
      samples.push(performance.now() - started);
    }
  }
  return times;
}

async function measureEngine(name: string, open: (dir: string) => Promise<Engine>): Promise<void> {
  const subjects: Subject[] = [];
  try {
    for (const size of sizes) {
      const dir = await mkdtemp(join(tmpdir(), 'bench-engine-'));
      const engine = await open(dir);
      subjects.push({
        size,
        dir,
        engine,
        row: {},
        audits: size,
        every: name === 'LowdbStore' && size >= 10_000 ? 5 : 1,
      });
      for (let i = 0; i < size; i += 50) {
        const incidents: [string, unknown][] = [];
        for (let n = i; n < Math.min(size, i + 50); n++) incidents.push([key(n), incident(n)]);
        await engine.batch(
          incidents,
          incidents.map((_, j) => [auditKey(i + j), audit(i + j)]),
        );
      }
      await engine.settle?.();
    }
    const pick = (subject: Subject, i: number) => (i * 7919 + 13) % subject.size;
    const before = new Map(subjects.map((subject) => [subject, subject.engine.bytes()]));
    const writes = await interleaved(subjects, 200, true, (subject, i) =>
      subject.engine.put(key(pick(subject, i)), incident(pick(subject, i))),
    );
    for (const [subject, times] of writes) {
      subject.row['write p50'] = percentile(times, 0.5);
      subject.row['write p99'] = percentile(times, 0.99);
      subject.row['B/write'] = (subject.engine.bytes() - before.get(subject)!) / times.length;
    }
    const batches = await interleaved(subjects, 200, true, (subject, i) => {
      const incidents = Array.from({ length: 10 }, (_, j): [string, unknown] => [
        key(pick(subject, i * 10 + j)),
        incident(j),
      ]);
      const entries = Array.from({ length: 10 }, (): [string, unknown] => [
        auditKey(subject.audits),
        audit(subject.audits++),
      ]);
      return subject.engine.batch(incidents, entries);
    });
    for (const [subject, times] of batches) {
      subject.row['batch20 p50'] = percentile(times, 0.5);
      subject.row['batch20 p99'] = percentile(times, 0.99);
    }
    const gets = await interleaved(subjects, 1000, false, (subject, i) =>
      subject.engine.get(key(pick(subject, i))),
    );
    for (const [subject, times] of gets) subject.row['get p50 µs'] = 1000 * percentile(times, 0.5);
    const lists = await interleaved(subjects, 200, false, (subject) => subject.engine.list100());
    for (const [subject, times] of lists)
      subject.row['list100 p50 µs'] = 1000 * percentile(times, 0.5);
    for (const subject of subjects) {
      const { engine, row, size } = subject;
      if (engine.sustained) {
        const sustained = await engine.sustained(Math.max(4000, size * 2), size);
        row['sust p99'] = sustained.p99;
        row['B/write+ckpt'] = sustained.bytesPerWrite;
      }
      const closing = performance.now();
      await engine.close();
      row['close ms'] = performance.now() - closing;
      const opening = performance.now();
      await (await open(subject.dir)).close();
      row['reopen ms'] = performance.now() - opening;
      results.set(`${name} ${size}`, row);
    }
  } finally {
    for (const subject of subjects) await rm(subject.dir, { recursive: true, force: true });
  }
}

const engines: [string, (dir: string) => Promise<Engine>][] = [
  ['LowdbStore', openOld],
  ['JournalStore', openJournaled],
];
const results = new Map<string, Row>();
for (const [name, open] of engines) await measureEngine(name, open);
const order = sizes.flatMap((size) => engines.map(([name]) => `${name} ${size}`));
const columns = [
  'write p50',
  'write p99',
  'batch20 p50',
  'batch20 p99',
  'get p50 µs',
  'list100 p50 µs',
];
columns.push('B/write', 'sust p99', 'B/write+ckpt', 'close ms', 'reopen ms');
const format = (value: number | undefined, column: string) =>
  value === undefined
    ? '-'
    : column.startsWith('B/')
      ? `${(value / 1024).toFixed(1)} KB`
      : value < 10
        ? value.toFixed(2)
        : value.toFixed(1);
const table = [['engine / records', ...columns]];
for (const label of order) {
  const row = results.get(label);
  if (row) table.push([label, ...columns.map((c) => format(row[c], c))]);
}
const [small, large] = [sizes[0], sizes.at(-1)];
for (const [name] of engines) {
  const a = results.get(`${name} ${small}`);
  const b = results.get(`${name} ${large}`);
  if (!a || !b || small === large) continue;
  table.push([
    `${name} ${large}/${small}`,
    ...columns.map((c) => (a[c] && b[c] ? `${(b[c] / a[c]).toFixed(2)}x` : '-')),
  ]);
}
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
console.log(
  'store engines, one tenant of ~2 KB incidents plus audit records (times in ms unless µs; B/write: file',
  'bytes per one-record write; sust: 16 writers with checkpoints running, B/write+ckpt: file',
  'bytes per write including the checkpoints that fold them in)',
);
for (const row of table)
  console.log(
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  '),
  );
