// Copies the embedded store into Azure Tables, versions kept:
//   AZURE_STORAGE_CONNECTION_STRING=... npm run store:copy-to-tables -- [--data-dir ./data]
//     [--table mrbstore] [--force]
// (or AZURE_STORAGE_ACCOUNT_URL with managed identity / az login). Refuses a table that already
// holds records unless --force (records with the same keys are then overwritten). Stop the bot
// first: the copy is a snapshot, and nothing may write either store while it runs.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { appendOnlyCollections } from '../src/app/retention.ts';
import { openJournalStore } from '../src/store/journal-store.ts';
import type { DumpableStore } from '../src/store/partitioned-store.ts';
import { DEFAULT_TABLE_NAME, openTablesStore } from '../src/store/tables-store.ts';

export interface CopyTarget extends DumpableStore {
  isEmpty(): Promise<boolean>;
}

export class TargetNotEmptyError extends Error {
  readonly code = 'TARGET_NOT_EMPTY';
  constructor(target: string) {
    super(
      `The Azure Tables table ${target} already holds records: copy into an empty table, or pass --force to overwrite the records with the same keys.`,
    );
    this.name = 'TargetNotEmptyError';
  }
}

/** Copies every live record of `source` into `target`; returns the count per partition. */
export async function copyStoreToTables(
  source: DumpableStore,
  target: CopyTarget,
  options: { force?: boolean; targetName?: string } = {},
): Promise<Map<string, number>> {
  if (!options.force && !(await target.isEmpty())) {
    throw new TargetNotEmptyError(options.targetName ?? 'target');
  }
  const counts = new Map<string, number>();
  async function* counted() {
    for await (const record of source.dump()) {
      counts.set(record.partition, (counts.get(record.partition) ?? 0) + 1);
      yield record;
    }
  }
  const written = await target.load(counted());
  const read = [...counts.values()].reduce((a, b) => a + b, 0);
  if (written !== read) throw new Error(`Read ${read} records but wrote ${written}.`);
  return counts;
}

export function formatCounts(counts: ReadonlyMap<string, number>): string {
  const rows = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(9, ...rows.map(([p]) => p.length));
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  return [
    `${'partition'.padEnd(width)}  records`,
    ...rows.map(([p, n]) => `${p.padEnd(width)}  ${n}`),
    `${'total'.padEnd(width)}  ${total}`,
  ].join('\n');
}

/** The embedded store to copy from: the journaled lowdb engine, its audit trails by day. */
function openSourceStore(dataDir: string): Promise<DumpableStore> {
  const auditRetentionDays = Number(process.env.AUDIT_RETENTION_DAYS ?? 400);
  const appendOnly = appendOnlyCollections({ retentionDays: 30, auditRetentionDays });
  return openJournalStore({ dataDir, appendOnly });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: process.env.DATA_DIR ?? './data' },
      table: { type: 'string', default: DEFAULT_TABLE_NAME },
      force: { type: 'boolean', default: false },
    },
  });
  const source = await openSourceStore(values['data-dir']);
  const target = await openTablesStore({
    connectionString: process.env.AZURE_STORAGE_CONNECTION_STRING,
    accountUrl: process.env.AZURE_STORAGE_ACCOUNT_URL,
    tableName: values.table,
  });
  try {
    const counts = await copyStoreToTables(source, target, {
      force: values.force,
      targetName: values.table,
    });
    console.log(`Copied ${values['data-dir']} into the table ${values.table}:`);
    console.log(formatCounts(counts));
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
