// A small stored history for Contoso (test/bot/bot-fixture.ts, clock 2026-11-29T10:00Z), written
// the way the service writes it: watcher snapshots, the open awaiting record, the managed-response
// audit trail and a delivered reminder. Figures, worked out by hand:
// - last 7 days (from 2026-11-22T10:00Z): incidents 101 (created 27 Nov, awaiting since 28 Nov
//   10:00, so waiting 24 hours: "1 to 3 days") and 102 (handed over 25 Nov 12:00, handed back
//   18:00: one hand-back, median 6 hours); 103 (closed 10 Nov) is outside;
// - last 30 days: 101, 102 and 103; one reminder for 101 (28 Nov 14:00, two recipients).
import type { Incident } from '../../../src/domain/incident.ts';
import { AUDIT_COLLECTION } from '../../../src/features/managed-response/audit-trail.ts';
import { AWAITING, awaitingKey } from '../../../src/features/notifications/awaiting-tracker.ts';
import { DELIVERIES, encodeKey } from '../../../src/delivery/delivery-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';

export function storedIncident(
  tenantId: string,
  id: string,
  overrides: Partial<Incident>,
): Incident {
  return {
    id,
    tenantId,
    title: `Incident title ${id}`,
    severity: 'high',
    status: 'resolved',
    assignedTo: 'Defender Experts',
    classification: 'truePositive',
    determination: 'malware',
    customTags: [],
    systemTags: ['Defender Experts'],
    webUrl: `https://security.microsoft.com/incidents/${id}`,
    createdAt: '2026-11-25T08:00:00.000Z',
    lastUpdatedAt: '2026-11-26T09:00:00.000Z',
    comments: [],
    ...overrides,
  };
}

export async function storeHistory(store: Store, tenantId: string): Promise<void> {
  const incidents = [
    storedIncident(tenantId, '101', {
      status: 'inProgress',
      assignedTo: 'Customer',
      severity: 'medium',
      createdAt: '2026-11-27T08:00:00.000Z',
      lastUpdatedAt: '2026-11-28T10:00:00.000Z',
    }),
    storedIncident(tenantId, '102', {}),
    storedIncident(tenantId, '103', {
      severity: 'low',
      classification: 'falsePositive',
      determination: 'other',
      createdAt: '2026-11-09T08:00:00.000Z',
      lastUpdatedAt: '2026-11-10T09:00:00.000Z',
    }),
  ];
  for (const incident of incidents) {
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, incident.id), incident);
  }
  await store.put(AWAITING, awaitingKey(tenantId, '101'), {
    tenantId,
    incidentId: '101',
    since: '2026-11-28T10:00:00.000Z',
    remindersSent: 1,
    escalated: false,
  });
  const audit = (at: string, entry: Record<string, unknown>) =>
    store.put(AUDIT_COLLECTION, `${at}~000001~abcdef`, {
      id: `${at}~000001~abcdef`,
      at,
      tenantId,
      ...entry,
    });
  await audit('2026-11-25T12:00:00.000Z', {
    kind: 'incidentUpdate',
    actor: { userId: 'experts', name: 'Defender Experts', via: 'expertsApi' },
    incidentId: '102',
    operation: 'handToCustomer',
    result: 'done',
  });
  await audit('2026-11-25T18:00:00.000Z', {
    kind: 'handBack',
    actor: { userId: 'aa000000-0000-4000-8000-000000000010', name: 'Pat Primary', via: 'teams' },
    incidentId: '102',
    result: 'done',
  });
  const period = Date.parse('2026-11-28T10:00:00.000Z');
  for (const user of ['u1', 'u2']) {
    const jobId = `reminder:${tenantId.toLowerCase()}:101:${period}:1:${user}`;
    await store.put(DELIVERIES, encodeKey(jobId), {
      jobId,
      target: { kind: 'personal', tenantId, userId: user },
      conversationId: `a:${user}`,
      activityId: `act-${user}`,
      deliveredAt: '2026-11-28T14:00:00.000Z',
      attempts: 1,
    });
  }
}
