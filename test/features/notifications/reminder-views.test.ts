// A reminder is a view too: rendered when sent, it shows the incident as it is then, with the
// reminder's kicker; without a renderer the card rendered when planned is sent.
import assert from 'node:assert/strict';
import type { Incident } from '../../../src/domain/incident.ts';
import type { ManagedResponse } from '../../../src/domain/managed-response.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { demoManagedResponses } from '../../../src/emulator/demo-managed-responses.ts';
import { viewRenderer } from '../../../src/features/notifications/render-views.ts';
import type { RenderEmailDeps } from '../../../src/features/notifications/render-email.ts';
import { reminderJobs } from '../../../src/features/notifications/reminder-jobs.ts';

const response = demoManagedResponses(new Date('2026-03-02T08:00:00Z'))[0]!;
const tenant: CustomerTenant = {
  tenantId: response.tenantId,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: { primary: [{ userId: 'p-1', name: 'Alex' }], secondary: [] },
  admins: [],
  socChannels: [],
};
const incident: Incident = {
  id: response.incidentId,
  tenantId: response.tenantId,
  title: 'Ransomware on prod-server-01',
  severity: 'high',
  status: 'active',
  assignedTo: 'Customer',
  classification: 'truePositive',
  determination: 'malware',
  customTags: [],
  systemTags: ['Defender Experts'],
  webUrl: 'https://security.microsoft.com/incidents/1',
  createdAt: '2026-03-02T07:00:00Z',
  lastUpdatedAt: '2026-03-02T08:00:00Z',
  comments: [],
};

describe('reminder views', () => {
  it('renders the reminder from the current state, keeping its kicker', async () => {
    const [job] = reminderJobs(
      tenant,
      { incident, since: '2026-03-02T08:00:00Z', response },
      { n: 1, after: 4 * 3_600_000, awaitingCount: 1, now: '2026-03-02T12:00:00Z' },
    );
    assert.ok(job);
    const planned = JSON.stringify(job.operation.activity.attachments);
    assert.match(planned, /4 pending actions/);

    let current: ManagedResponse = response;
    const render = viewRenderer({
      email: {} as RenderEmailDeps, // no email job here
      contact: {
        tenantOf: () => tenant,
        incidents: { get: () => Promise.resolve(incident) },
        responses: { get: () => Promise.resolve({ key: 'k', version: 2, value: current }) },
        awaitingCount: () => Promise.resolve(1),
      },
    });
    const [first, ...rest] = response.actions;
    current = { ...response, actions: [{ ...first!, status: 'completed' }, ...rest] };
    const out = await render(job);
    assert.equal(out?.kind, 'activity');
    const sent = JSON.stringify(out.kind === 'activity' ? out.activity : undefined);
    assert.match(sent, /3 pending actions/);
    assert.match(sent, /Reminder: still awaiting your action after 4 hours/);
  });
});
