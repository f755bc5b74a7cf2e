// Opening a store file: new, corrupt, from a newer release, or from an older schema.
import assert from 'node:assert/strict';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openLowdbStore } from '../../src/store/lowdb-store.ts';
import { StoreSchemaTooNewError } from '../../src/store/store-errors.ts';
import { StoreCorruptError } from '../../src/store/store.ts';
import { makeTempDir, removeDir } from './test-files.ts';

describe('LowdbStore file at start', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir, 'store.json');
  });
  afterEach(() => removeDir(dir));

  it('creates the data directory and starts empty when the file is missing', async () => {
    const dataDir = join(dir, 'data');
    const store = await openLowdbStore({ dataDir });
    assert.ok((await stat(dataDir)).isDirectory());
    assert.deepEqual(await store.list('anything'), []);
    await store.close();
  });

  const valid = JSON.stringify({
    schemaVersion: 2,
    collections: { items: { a: { version: 1, value: 'x'.repeat(50) } } },
  });
  const corrupt: [string, string][] = [
    ['an empty file', ''],
    ['text that is not JSON', 'not json'],
    ['a truncated file', valid.slice(0, valid.length / 2)],
    ['a JSON array', '[]'],
    ['no schemaVersion', '{"collections":{}}'],
    ['a record without a version', '{"schemaVersion":2,"collections":{"a":{"k":{"value":1}}}}'],
    ['a collection that is not an object', '{"schemaVersion":2,"collections":{"a":[]}}'],
  ];
  for (const [name, text] of corrupt) {
    it(`refuses ${name} with StoreCorruptError and leaves it untouched`, async () => {
      await writeFile(file, text);
      await assert.rejects(openLowdbStore({ dataDir: dir }), (error: unknown) => {
        assert.ok(error instanceof StoreCorruptError);
        assert.ok(error.message.includes(file), error.message);
        return true;
      });
      assert.equal(await readFile(file, 'utf8'), text);
      assert.deepEqual(await readdir(dir), ['store.json']);
    });
  }

  it('refuses a file from a newer schema, naming the file and both versions', async () => {
    const text = '{"schemaVersion":3,"collections":{},"somethingNew":true}';
    await writeFile(file, text);
    await assert.rejects(openLowdbStore({ dataDir: dir }), (error: unknown) => {
      assert.ok(error instanceof StoreSchemaTooNewError);
      assert.equal(error.code, 'STORE_SCHEMA_TOO_NEW');
      assert.ok(error.message.includes(file));
      assert.match(error.message, /schema version 3.*schema version 2/);
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), text);
  });

  it('migrates a schema v1 file, keeps a backup and rewrites it at the current version', async () => {
    // Written as text: in an object literal, __proto__ would set the prototype, not a key.
    const v1 =
      '{"schemaVersion":1,"collections":{' +
      '"incidents":{"inc-1":{"v":3,"value":{"status":"active"}},"__proto__":{"v":1,"value":0}},' +
      '"outbox":{"e1":{"v":1,"value":"event"}}}}';
    await writeFile(file, v1);
    const store = await openLowdbStore({ dataDir: dir });
    assert.deepEqual(await store.get('incidents', 'inc-1'), {
      key: 'inc-1',
      version: 3,
      value: { status: 'active' },
    });
    assert.equal((await store.get('incidents', '__proto__'))?.version, 1);
    const expected =
      '{"schemaVersion":2,"collections":{"incidents":{"inc-1":{"version":3,"value":' +
      '{"status":"active"}},"__proto__":{"version":1,"value":0}},' +
      '"outbox":{"e1":{"version":1,"value":"event"}}}}';
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), JSON.parse(expected));
    assert.equal(await readFile(`${file}.schema-v1.bak`, 'utf8'), v1);
    assert.equal((await store.put('incidents', 'inc-1', { status: 'resolved' }, 3)).version, 4);
    await store.close();
  });

  it('refuses a v1 file whose records do not match v1 and leaves it untouched', async () => {
    const text = '{"schemaVersion":1,"collections":{"a":{"k":{"version":1,"value":1}}}}';
    await writeFile(file, text);
    await assert.rejects(openLowdbStore({ dataDir: dir }), StoreCorruptError);
    assert.equal(await readFile(file, 'utf8'), text);
    assert.deepEqual(await readdir(dir), ['store.json']);
  });
});
