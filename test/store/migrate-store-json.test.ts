import assert from 'node:assert/strict';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openJournalStore, type JournalStore } from '../../src/store/journal-store.ts';
import {
  migrateStoreJson,
  type StoreJsonRecordMapping,
} from '../../src/store/migrate-store-json.ts';
import type { DumpableStore, DumpedRecord } from '../../src/store/partitioned-store.ts';
import { StoreCorruptError } from '../../src/store/store.ts';
import { sortedDump } from './journal-test-files.ts';
import { makeTempDir, removeDir } from './test-files.ts';

// The shape of today's store.json: flat collections, tenant ids inside the keys.
const storeJson = {
  schemaVersion: 2,
  collections: {
    incidents: {
      't1/inc-1': { version: 3, value: { status: 'active' } },
      't2/inc-9': { version: 1, value: { status: 'resolved' } },
    },
    audit: {
      '2026-11-30T10:00:00.000Z|t1|a': { version: 1, value: { who: 'x' } },
    },
    settings: { global: { version: 7, value: { on: true } } },
    scratch: { tmp: { version: 1, value: 'dropped' } },
  },
};

const mapRecord: StoreJsonRecordMapping = (collection, key) => {
  if (collection === 'scratch') return undefined;
  if (collection === 'settings') return { partition: '_service', collection, key };
  if (collection === 'audit') {
    const [at, tenant, id] = key.split('|');
    return { partition: tenant!, collection, key: `${at}|${id}` };
  }
  const [tenant, rest] = key.split('/');
  return { partition: tenant!, collection, key: rest! };
};

const expected: Omit<DumpedRecord, 'expiresAt'>[] = [
  { partition: '_service', collection: 'settings', key: 'global', version: 7, value: { on: true } },
  {
    partition: 't1',
    collection: 'audit',
    key: '2026-11-30T10:00:00.000Z|a',
    version: 1,
    value: { who: 'x' },
  },
  {
    partition: 't1',
    collection: 'incidents',
    key: 'inc-1',
    version: 3,
    value: { status: 'active' },
  },
  {
    partition: 't2',
    collection: 'incidents',
    key: 'inc-9',
    version: 1,
    value: { status: 'resolved' },
  },
];

describe('migrateStoreJson', () => {
  let dir: string;
  let store: JournalStore;
  const open = () =>
    openJournalStore({
      dataDir: dir,
      appendOnly: [{ name: 'audit' }],
      now: () => Date.UTC(2026, 11, 2),
    });
  const files = async () =>
    (await readdir(dir)).filter((name) => name.startsWith('store.json')).sort();
  beforeEach(async () => {
    dir = await makeTempDir();
    await writeFile(join(dir, 'store.json'), JSON.stringify(storeJson, null, 2));
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await removeDir(dir);
  });

  it('moves every mapped record with its version and keeps store.json as a backup', async () => {
    const now = () => Date.UTC(2026, 11, 2, 3, 4, 5);
    const result = await migrateStoreJson(dir, mapRecord, store, { now });
    assert.deepEqual(result, {
      migrated: 4,
      skipped: 1,
      backup: join(dir, 'store.json.migrated-2026-12-02T03-04-05-000Z.bak'),
    });
    assert.deepEqual(await files(), ['store.json.migrated-2026-12-02T03-04-05-000Z.bak']);
    assert.deepEqual(await sortedDump(store), expected);
    assert.equal((await store.partition('t1').put('incidents', 'inc-1', {}, 3)).version, 4);
    await store.close();
    store = await open();
    assert.equal((await store.partition('t1').get('incidents', 'inc-1'))?.version, 4);
    assert.equal(await migrateStoreJson(dir, mapRecord, store), undefined, 'nothing left to do');
  });

  it('runs again to the same end when interrupted while loading or before the rename', async () => {
    // Interrupted while loading: part of the records are in, store.json is untouched.
    const interrupted: DumpableStore = Object.create(store) as DumpableStore;
    interrupted.load = async (records) => {
      const list = [...(records as Iterable<DumpedRecord>)];
      await store.load(list.slice(0, 2));
      throw new Error('killed');
    };
    await assert.rejects(migrateStoreJson(dir, mapRecord, interrupted), /killed/);
    assert.deepEqual(await files(), ['store.json']);
    // The rename waits for a durable load.
    const watched: DumpableStore = Object.create(store) as DumpableStore;
    watched.load = async (records) => {
      const count = await store.load(records);
      assert.ok(existsSync(join(dir, 'store.json')));
      return count;
    };
    const first = await migrateStoreJson(dir, mapRecord, watched, { now: () => 1 });
    // Interrupted after loading, before the rename: store.json is still there at the next start.
    await copyFile(first!.backup, join(dir, 'store.json'));
    await store.partition('t2').put('incidents', 'inc-9', { status: 'reopened' }, 1);
    await migrateStoreJson(dir, mapRecord, store, { now: () => 2 });
    assert.deepEqual(await sortedDump(store), expected);
    assert.equal((await files()).length, 2, 'two backups, no store.json');
  });

  it('refuses a mapping that sends two records to one place, before writing anything', async () => {
    await assert.rejects(
      migrateStoreJson(dir, () => ({ partition: 'p', collection: 'c', key: 'k' }), store),
      /maps both incidents\/t1\/inc-1 and incidents\/t2\/inc-9/,
    );
    assert.deepEqual(await sortedDump(store), []);
    assert.deepEqual(await files(), ['store.json']);
  });

  it('stops on a damaged store.json and leaves it untouched', async () => {
    await writeFile(join(dir, 'store.json'), '{"schemaVersion":2,"collections":');
    await assert.rejects(migrateStoreJson(dir, mapRecord, store), StoreCorruptError);
    assert.deepEqual(await files(), ['store.json']);
  });

  it('migrates a schema v1 file too', async () => {
    const v1 = { schemaVersion: 1, collections: { incidents: { 't1/a': { v: 2, value: 'x' } } } };
    await writeFile(join(dir, 'store.json'), JSON.stringify(v1));
    await migrateStoreJson(dir, mapRecord, store);
    assert.deepEqual(await store.partition('t1').get('incidents', 'a'), {
      key: 'a',
      version: 2,
      value: 'x',
    });
  });
});
