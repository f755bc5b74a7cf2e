// Retention on Azure Tables: removes expired records (a filter on `x` within each partition) and
// the days of append-only collections past their retention (one RowKey range each). Meant to run
// periodically (e.g. daily) for the partitions this instance owns; reads already hide both.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { MAX_BATCH_OPS } from '../partitioned-store.ts';
import type { AppendOnlyRules } from './append-only.ts';
import { KEY_SEPARATOR, decodeKey, encodeKey } from './key-codec.ts';
import { isRace } from './partition-io.ts';

const PARALLEL_DELETES = 8;

export async function prunePartition(
  client: TableClient,
  rules: AppendOnlyRules,
  partition: string,
  now: number,
): Promise<number> {
  const partitionKey = encodeKey(partition);
  let removed = 0;
  // Expired records may be rewritten at any moment: each is removed under its ETag.
  const expired: { rowKey: string; etag: string }[] = [];
  const filter = odata`PartitionKey eq ${partitionKey} and x le ${new Date(now)}`;
  for await (const entity of client.listEntities({
    queryOptions: { filter, select: ['RowKey'] },
  })) {
    expired.push({ rowKey: String(entity.rowKey), etag: entity.etag });
  }
  for (let i = 0; i < expired.length; i += PARALLEL_DELETES) {
    const results = await Promise.all(
      expired.slice(i, i + PARALLEL_DELETES).map(async ({ rowKey, etag }): Promise<number> => {
        try {
          await client.deleteEntity(partitionKey, rowKey, { etag });
          return 1;
        } catch (error) {
          if (isRace(error)) return 0;
          throw error;
        }
      }),
    );
    removed += results.reduce((a, b) => a + b, 0);
  }
  // Append-only days past retention never change: plain deletes, 100 per transaction.
  for (const collection of rules.names()) {
    const firstKept = rules.firstKeptDay(collection, now)!;
    const base = encodeKey(collection) + KEY_SEPARATOR;
    const range = odata`PartitionKey eq ${partitionKey} and RowKey ge ${base} and RowKey lt ${base + encodeKey(firstKept)}`;
    let actions: TransactionAction[] = [];
    const submit = async () => {
      const batch = actions;
      actions = [];
      if (batch.length === 0) return;
      try {
        await client.submitTransaction(batch);
        removed += batch.length;
      } catch (error) {
        if (!isRace(error)) throw error;
        // Another instance pruned some of them first: finish one by one.
        for (const [, { rowKey }] of batch) {
          removed += await client.deleteEntity(partitionKey, String(rowKey)).then(
            () => 1,
            (e: unknown) => (isRace(e) ? 0 : Promise.reject(e as Error)),
          );
        }
      }
    };
    for await (const entity of client.listEntities({
      queryOptions: { filter: range, select: ['RowKey'] },
    })) {
      actions.push(['delete', { partitionKey, rowKey: String(entity.rowKey) }]);
      if (actions.length === MAX_BATCH_OPS) await submit();
    }
    await submit();
  }
  return removed;
}

/** Every partition of the table (a full scan: for tools, not for the hot path). */
export async function listPartitions(client: TableClient): Promise<string[]> {
  const partitions = new Set<string>();
  for await (const entity of client.listEntities({
    queryOptions: { select: ['PartitionKey'] },
  })) {
    partitions.add(decodeKey(String(entity.partitionKey)));
  }
  return [...partitions];
}
