// npm run store:copy-to-tables: any DumpableStore into Azure Tables (Azurite), versions kept.
import assert from 'node:assert/strict';
import type {
  DumpableStore,
  DumpedRecord,
  PartitionStore,
} from '../../src/store/partitioned-store.ts';
import { openTablesStore } from '../../src/store/tables-store.ts';
import {
  TargetNotEmptyError,
  copyStoreToTables,
  formatCounts,
} from '../../scripts/copy-store-to-tables.ts';
import { uniqueName, useAzurite } from '../fakes/azurite.ts';

/** The least DumpableStore: records in an array (what dump and load need, nothing more). */
class ArrayStore implements DumpableStore {
  constructor(readonly records: DumpedRecord[] = []) {}
  partition(): PartitionStore {
    throw new Error('not used by a copy');
  }
  async ping() {}
  async close() {}
  async *dump() {
    yield* this.records;
  }
  async load(records: AsyncIterable<DumpedRecord> | Iterable<DumpedRecord>) {
    for await (const r of records) this.records.push(r);
    return this.records.length;
  }
}

const record = (partition: string, key: string, version = 1): DumpedRecord => ({
  partition,
  collection: 'incidents',
  key,
  version,
  value: { key, title: 'Überprüfung 🛡️' },
});

describe('copy a store into Azure Tables', function () {
  this.timeout(20_000);
  const azurite = useAzurite();
  const openTarget = (tableName: string) =>
    openTablesStore({ connectionString: azurite().connectionString, tableName });

  it('copies every record with its version and counts them per partition', async () => {
    const source = new ArrayStore([
      ...Array.from({ length: 150 }, (_, i) => record('contoso', `i${i}`, i + 1)),
      record('fabrikam', 'i1'),
      {
        ...record('_service', 'settings'),
        collection: 'config',
        expiresAt: '2099-01-01T00:00:00.000Z',
      },
    ]);
    const target = await openTarget(uniqueName('copy'));
    const counts = await copyStoreToTables(source, target);
    assert.deepEqual(Object.fromEntries(counts), { contoso: 150, fabrikam: 1, _service: 1 });
    const copied = new ArrayStore();
    await copied.load(target.dump());
    const id = (r: DumpedRecord) => `${r.partition}/${r.collection}/${r.key}`;
    const byId = (a: DumpedRecord, b: DumpedRecord) => (id(a) < id(b) ? -1 : 1);
    assert.deepEqual(copied.records.sort(byId), source.records.sort(byId));
    assert.equal((await target.partition('contoso').get('incidents', 'i149'))?.version, 150);
    assert.equal(
      formatCounts(counts),
      [
        'partition  records',
        '_service   1',
        'contoso    150',
        'fabrikam   1',
        'total      152',
      ].join('\n'),
    );
    await target.close();
  });

  it('refuses a table that holds records, unless forced', async () => {
    const tableName = uniqueName('copy');
    const target = await openTarget(tableName);
    await target.partition('contoso').put('incidents', 'i1', 'already here');
    const source = new ArrayStore([record('contoso', 'i1', 7), record('contoso', 'i2')]);
    await assert.rejects(copyStoreToTables(source, target), TargetNotEmptyError);
    assert.equal((await target.partition('contoso').get('incidents', 'i1'))?.value, 'already here');
    const counts = await copyStoreToTables(source, target, { force: true });
    assert.equal(counts.get('contoso'), 2);
    assert.equal((await target.partition('contoso').get('incidents', 'i1'))?.version, 7);
    await target.close();
  });
});
