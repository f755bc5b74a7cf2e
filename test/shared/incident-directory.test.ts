import assert from 'node:assert/strict';
import type { Incident } from '../../src/domain/incident.ts';
import { IncidentDirectory } from '../../src/shared/incident-directory.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../src/watcher/incident-snapshots.ts';
import { incident } from '../features/managed-response/harness.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

describe('IncidentDirectory', () => {
  it("counts the tenant's incidents that match, and only that tenant's", async () => {
    const store = new MemoryStore();
    const put = (i: Incident) => store.put(SNAPSHOTS_COLLECTION, snapshotKey(i.tenantId, i.id), i);
    await put(incident({ id: '1', status: 'awaitingAction' }));
    await put(incident({ id: '2', status: 'inProgress' }));
    await put(incident({ id: '3', status: 'awaitingAction' }));
    await put(incident({ id: '4', tenantId: 'other-tenant', status: 'awaitingAction' }));
    const directory = new IncidentDirectory(store);
    const tenantId = incident().tenantId;
    const awaiting = (i: Incident) => i.status === 'awaitingAction';
    assert.equal(await directory.countForTenant(tenantId, awaiting), 2);
    assert.equal(await directory.countForTenant(tenantId.toUpperCase(), () => true), 3);
  });
});
