import assert from 'node:assert/strict';
import type { Incident } from '../../../src/domain/incident.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import { awaitingQueueCard } from '../../../src/features/notifications/awaiting-queue.ts';
import { AWAITING, AwaitingTracker } from '../../../src/features/notifications/awaiting-tracker.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const T = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const tenant = { tenantId: T, name: 'Contoso' } as CustomerTenant;

function inc(id: string, overrides: Partial<Incident>): Incident {
  return {
    id,
    tenantId: T,
    title: `Incident title ${id}`,
    severity: 'high',
    status: 'inProgress',
    assignedTo: 'Customer',
    classification: 'truePositive',
    determination: 'malware',
    customTags: [],
    systemTags: ['Defender Experts'],
    webUrl: `https://security.microsoft.com/incidents/${id}`,
    createdAt: '2026-11-29T08:00:00Z',
    lastUpdatedAt: '2026-11-29T09:00:00Z',
    comments: [],
    ...overrides,
  };
}

describe('awaiting queue', () => {
  it('lists only awaiting incidents handled by the experts, newest first', async () => {
    const store = new MemoryStore();
    const incidents = [
      inc('1', {}),
      inc('2', { status: 'awaitingAction' }),
      inc('3', { systemTags: [], assignedTo: 'Customer' }), // not the experts' incident
      inc('4', { status: 'resolved', assignedTo: null }),
      inc('5', { assignedTo: 'Defender Experts' }), // with the experts, not awaiting
    ];
    for (const i of incidents) await store.put(SNAPSHOTS_COLLECTION, snapshotKey(T, i.id), i);
    await store.put(AWAITING, `${T}:1`, {
      tenantId: T,
      incidentId: '1',
      since: '2026-11-29T07:00:00Z',
      remindersSent: 0,
      escalated: false,
    });
    await store.put(AWAITING, `${T}:2`, {
      tenantId: T,
      incidentId: '2',
      since: '2026-11-29T08:30:00Z',
      remindersSent: 0,
      escalated: false,
    });
    const tracker = new AwaitingTracker(store, new IncidentDirectory(store));
    assert.equal(await tracker.count(T), 2);
    const card = JSON.stringify(
      await awaitingQueueCard(tenant, tracker, new ManagedResponseRepository(store)),
    );
    assert.match(card, /2 incidents await Contoso's action/);
    assert.ok(card.indexOf('Incident title 2') < card.indexOf('Incident title 1'), 'newest first');
    assert.equal(card.includes('Incident title 3'), false);
    assert.equal(card.includes('Incident title 4'), false);
    assert.equal(card.includes('Incident title 5'), false);
  });

  it('says so when nothing awaits', async () => {
    const store = new MemoryStore();
    const tracker = new AwaitingTracker(store, new IncidentDirectory(store));
    const card = JSON.stringify(
      await awaitingQueueCard(tenant, tracker, new ManagedResponseRepository(store)),
    );
    assert.match(card, /No incidents await Contoso's action/);
  });
});
