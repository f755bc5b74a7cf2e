import assert from 'node:assert/strict';
import { StoreConflictError } from '../../../src/store/store.ts';
import {
  AuditTrail,
  AUDIT_COLLECTION,
} from '../../../src/features/managed-response/audit-trail.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

describe('managed response: audit trail', () => {
  const actor = { userId: 'u1', name: 'Alex', via: 'teams' as const };

  it('lists entries in time order, filtered by tenant (any case), incident and time', async () => {
    const store = new MemoryStore();
    let ms = Date.parse('2026-03-02T10:00:00Z');
    const audit = new AuditTrail(store, () => new Date(ms));
    for (const [tenantId, incidentId, result] of [
      ['T-A', '1', 'first'],
      ['t-a', '2', 'second'],
      ['t-b', '1', 'third'],
      ['t-a', '1', 'fourth'],
    ] as const) {
      await audit.append({ kind: 'attempt', actor, tenantId, incidentId, result });
      ms += 1_000;
    }
    assert.deepEqual(
      (await audit.list()).map((e) => e.result),
      ['first', 'second', 'third', 'fourth'],
    );
    assert.deepEqual(
      (await audit.list({ tenantId: 't-A', incidentId: '1' })).map((e) => e.result),
      ['first', 'fourth'],
    );
    assert.deepEqual(
      (await audit.list({ since: '2026-03-02T10:00:02Z' })).map((e) => e.result),
      ['third', 'fourth'],
    );
    assert.deepEqual(
      (await audit.list({ limit: 1 })).map((e) => e.result),
      ['fourth'],
    );
  });

  it('keeps entries written in the same millisecond apart and in write order', async () => {
    const audit = new AuditTrail(new MemoryStore(), () => new Date('2026-03-02T10:00:00Z'));
    for (let i = 0; i < 20; i++) {
      await audit.append({ kind: 'refusal', actor, tenantId: 't', result: String(i) });
    }
    assert.deepEqual(
      (await audit.list()).map((e) => e.result),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  it('never overwrites an entry (create-only ops)', async () => {
    const store = new MemoryStore();
    const audit = new AuditTrail(store, () => new Date('2026-03-02T10:00:00Z'));
    const op = audit.entryOp({ kind: 'outcome', actor, tenantId: 't', result: 'completed' });
    await store.batch([op]);
    await assert.rejects(store.batch([op]), StoreConflictError);
    assert.equal((await store.list(AUDIT_COLLECTION)).length, 1);
  });
});
