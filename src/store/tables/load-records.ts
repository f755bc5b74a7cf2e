// DumpableStore.load on Azure Tables: records written as they are (versions kept), grouped per
// partition into transactions of up to 100 upserts and 4 MiB, a few partitions at a time.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { DumpedRecord } from '../partitioned-store.ts';
import { MAX_BATCH_OPS } from '../partitioned-store.ts';
import {
  MAX_ENTITY_BYTES,
  MAX_KEY_UNITS,
  MAX_TRANSACTION_BYTES,
  entityBody,
  entitySize,
  toJson,
  transactionBytes,
} from './entity-codec.ts';
import { encodeKey, rowKeyOf } from './key-codec.ts';
import { parseExpiresAt } from './partition-io.ts';

const IN_FLIGHT = 4;

interface Pending {
  actions: TransactionAction[];
  rowKeys: Set<string>;
  bytes: number;
}

export async function loadRecords(
  client: TableClient,
  records: AsyncIterable<DumpedRecord> | Iterable<DumpedRecord>,
  writeId: string,
): Promise<number> {
  const pending = new Map<string, Pending>();
  const inFlight = new Set<Promise<void>>();
  let count = 0;
  let failure: Error | undefined;
  const flush = async (partitionKey: string) => {
    const batch = pending.get(partitionKey);
    pending.delete(partitionKey);
    if (!batch || batch.actions.length === 0) return;
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    if (failure) throw failure;
    const sending = client.submitTransaction(batch.actions).then(
      () => {
        count += batch.actions.length;
      },
      (error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    const tracked = sending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  for await (const record of records) {
    if (failure) break;
    const { partitionKey, rowKey, body } = toEntity(record, writeId);
    const bytes = transactionBytes(body);
    const current = pending.get(partitionKey);
    if (
      current &&
      (current.actions.length >= MAX_BATCH_OPS ||
        current.rowKeys.has(rowKey) ||
        current.bytes + bytes > MAX_TRANSACTION_BYTES)
    ) {
      await flush(partitionKey);
    }
    const batch = pending.get(partitionKey) ?? { actions: [], rowKeys: new Set(), bytes: 0 };
    pending.set(partitionKey, batch);
    batch.actions.push(['upsert', { partitionKey, rowKey, ...body }, 'Replace']);
    batch.rowKeys.add(rowKey);
    batch.bytes += bytes;
  }
  for (const partitionKey of [...pending.keys()]) {
    if (failure) break;
    await flush(partitionKey);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return count;
}

function toEntity(record: DumpedRecord, writeId: string) {
  const where = `${record.partition}/${record.collection}/${record.key}`;
  if (!record.partition || !record.collection || typeof record.key !== 'string') {
    throw new TypeError(`${where}: a dumped record has a partition, a collection and a key.`);
  }
  if (!Number.isSafeInteger(record.version) || record.version < 1) {
    throw new TypeError(`${where}: a dumped record has a version ≥ 1, not ${record.version}.`);
  }
  const partitionKey = encodeKey(record.partition);
  const rowKey = rowKeyOf(record.collection, record.key);
  if (partitionKey.length > MAX_KEY_UNITS || rowKey.length > MAX_KEY_UNITS) {
    throw new TypeError(
      `${where}: the key is too long for Azure Tables (${MAX_KEY_UNITS} characters encoded).`,
    );
  }
  const body = entityBody(
    toJson(record.value, where),
    record.version,
    writeId,
    parseExpiresAt(record.expiresAt),
  );
  if (entitySize(partitionKey, rowKey, body) > MAX_ENTITY_BYTES) {
    throw new TypeError(`${where}: the value is over the 1 MiB of an Azure Tables entity.`);
  }
  return { partitionKey, rowKey, body };
}
