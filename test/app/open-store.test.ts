import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/app/open-store.ts';
import { AuditTrail, AUDIT_COLLECTION } from '../../src/features/managed-response/audit-trail.ts';
import { FLAT_PARTITION } from '../../src/store/flat-store.ts';
import { MAX_BATCH_OPS } from '../../src/store/partitioned-store.ts';
import type { WriteOp } from '../../src/store/store.ts';
import type { JournalStore } from '../../src/store/journal-store.ts';
import { encodeName } from '../../src/store/name-encoding.ts';
import { makeTempDir, removeDir } from '../store/test-files.ts';

describe('openStore (embedded)', () => {
  let dir: string;
  beforeEach(async () => (dir = await makeTempDir()));
  afterEach(() => removeDir(dir));

  it('keeps the managed-response audit trail as daily append-only logs', async () => {
    const store = await openEmbeddedStore(dir);
    const at = '2026-12-02T10:00:00.000Z';
    const audit = new AuditTrail(store, () => new Date(at));
    await audit.append({
      kind: 'attempt',
      actor: { userId: 'u1', name: 'Alex', via: 'teams' },
      tenantId: 't1',
      incidentId: '1',
      operation: 'runAction',
      result: 'started',
    });
    await (store.engine as JournalStore).checkpoint();
    // Routed (STORE_PARTITIONS=tenant), the entry is in its tenant's partition; else in main.
    const partition = store.routed ? 't1' : FLAT_PARTITION;
    const folder = join(dir, 'store', encodeName(partition), encodeName(AUDIT_COLLECTION));
    assert.deepEqual(await readdir(folder), ['2026-12-02.jsonl']);
    assert.equal((await audit.list({ tenantId: 't1' }))[0]?.operation, 'runAction');
    await store.close();
  });

  const puts = (count: number): WriteOp[] =>
    Array.from({ length: count }, (_, i) => ({
      kind: 'put',
      collection: 'things',
      key: `k${i}`,
      value: i,
    }));

  it('refuses a batch over 100 ops, writing nothing, when strict (as Azure Tables does)', async () => {
    const store = await openEmbeddedStore(dir, undefined, true);
    await assert.rejects(store.batch(puts(MAX_BATCH_OPS + 1)), /at most 100 ops, got 101/);
    assert.deepEqual(await store.list('things'), []);
    await store.batch(puts(MAX_BATCH_OPS));
    assert.equal((await store.list('things')).length, MAX_BATCH_OPS);
    await store.close();
  });

  it('takes a batch of any size when not strict (a journal line is atomic)', async () => {
    const store = await openEmbeddedStore(dir, undefined, false);
    await store.batch(puts(MAX_BATCH_OPS + 1));
    assert.equal((await store.list('things')).length, MAX_BATCH_OPS + 1);
    await store.close();
  });
});
