// A dumped record (a copy or a migration) as the journal change that writes it as it is, version
// kept. Checked as carefully as a put: it comes from another engine or an old file.
import { AppendOnlyRules } from './append-only-rules.ts';
import { deepFreeze } from './deep-freeze.ts';
import type { JournalChange } from './journal-line.ts';
import { folderName } from './name-encoding.ts';
import { recordSize, type PartitionRecord } from './partition-record.ts';
import type { DumpedRecord } from './partitioned-store.ts';

export function toJournalChange(dumped: DumpedRecord, rules: AppendOnlyRules): JournalChange {
  const { partition, collection, key, version, value, expiresAt } = dumped;
  folderName('partition', partition);
  folderName('collection', collection);
  const where = `${partition}/${collection}/${String(key)}`;
  if (typeof key !== 'string' || key === '')
    throw new TypeError(`A key is a non-empty string (${where})`);
  if (!Number.isInteger(version) || version < 1) {
    throw new TypeError(`The version of ${where} must be a positive integer`);
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`The value of ${where} cannot be stored as JSON`);
  const frozen = deepFreeze(JSON.parse(json) as unknown);
  if (rules.has(collection)) {
    const day = AppendOnlyRules.dayOf(key);
    if (!day) throw new TypeError(`${where} is in an append-only collection but has no date`);
    return {
      kind: 'append',
      partition,
      collection,
      key,
      day,
      value: frozen,
      json,
      maybeWritten: true,
    };
  }
  const size = recordSize(key, json, version, expiresAt !== undefined);
  const record: PartitionRecord = { version, value: frozen, size };
  if (expiresAt !== undefined) {
    const ms = Date.parse(expiresAt);
    if (Number.isNaN(ms)) throw new TypeError(`expiresAt of ${where} must be an ISO instant`);
    record.expiresAt = ms;
  }
  return { kind: 'put', partition, collection, key, record, json };
}
