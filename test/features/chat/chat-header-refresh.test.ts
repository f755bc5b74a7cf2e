import assert from 'node:assert/strict';
import type { Incident } from '../../../src/domain/incident.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import { chatHeaderRefreshJobs } from '../../../src/features/chat/chat-header-refresh.ts';
import { DEMO_EXPERTS_SIDE } from '../../../src/features/chat/experts-side.ts';
import { threadMessageKey } from '../../../src/features/chat/chat-jobs.ts';
import type { OutboxEvent } from '../../../src/watcher/outbox.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const T = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const incident: Incident = {
  id: '2972403',
  tenantId: T,
  title: 'Ransomware on prod-server-01',
  severity: 'high',
  status: 'resolved',
  assignedTo: null,
  classification: 'truePositive',
  determination: 'malware',
  customTags: [],
  systemTags: ['Defender Experts'],
  webUrl: 'https://security.microsoft.com/incidents/2972403',
  createdAt: '2026-11-29T08:00:00Z',
  lastUpdatedAt: '2026-11-29T09:00:00Z',
  comments: [],
};
const event: OutboxEvent = {
  id: `${T}:2972403:2026-11-29T09:00:00Z:resolved`,
  seq: 7,
  tenantId: T,
  incidentId: '2972403',
  change: { type: 'resolved', classification: 'truePositive', determination: 'malware' },
  incident,
  detectedAt: '2026-11-29T09:00:02Z',
};

describe('chat header refresh', () => {
  async function jobs(threadExists: boolean) {
    const store = new MemoryStore();
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(T, incident.id), incident);
    return chatHeaderRefreshJobs(event, {
      experts: DEMO_EXPERTS_SIDE,
      tenantOf: () => ({ tenantId: T, name: 'Contoso' }) as CustomerTenant,
      incidents: new IncidentDirectory(store),
      responses: new ManagedResponseRepository(store),
      threadExists: async (key) => threadExists && key === threadMessageKey(T, incident.id),
      now: () => new Date('2026-11-29T09:00:03Z'),
    });
  }

  it('edits the thread header in the experts channel with the incident as it is now', async () => {
    const [job, ...rest] = await jobs(true);
    assert.equal(rest.length, 0);
    assert.equal(job?.operation.kind, 'update');
    assert.equal(
      job?.operation.kind === 'update' && job.operation.messageKey,
      threadMessageKey(T, incident.id),
    );
    assert.deepEqual(job?.target, {
      kind: 'conversation',
      tenantId: DEMO_EXPERTS_SIDE.tenantId,
      conversationId: DEMO_EXPERTS_SIDE.channelId,
    });
    assert.match(JSON.stringify(job?.operation), /Resolved/);
  });

  it('does nothing for an incident without a customer conversation', async () => {
    assert.deepEqual(await jobs(false), []);
  });
});
