import assert from 'node:assert/strict';
import type { Incident } from '../../../src/domain/incident.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { demoManagedResponses } from '../../../src/emulator/demo-managed-responses.ts';
import {
  planNotifications,
  type PlanContext,
} from '../../../src/features/notifications/plan-notifications.ts';
import { contactMessageKey, socMessageKey } from '../../../src/shared/message-keys.ts';
import type { OutboxEvent } from '../../../src/watcher/outbox.ts';
import type { DeliveryJob } from '../../../src/delivery/delivery-job.ts';
import { viewRenderer } from '../../../src/features/notifications/render-views.ts';
import type { RenderEmailDeps } from '../../../src/features/notifications/render-email.ts';

const TENANT = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const tenant: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: {
    primary: [
      { userId: 'A-1', name: 'Alex' },
      { userId: 'M-2', name: 'Megan' },
    ],
    secondary: [{ userId: 'S-3', name: 'Adele' }],
  },
  admins: [],
  socChannels: [{ channelId: '19:soc@thread.tacv2' }, { channelId: '19:soc2@thread.tacv2' }],
};

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: '2972403',
    tenantId: TENANT,
    title: 'Ransomware on prod-server-01',
    severity: 'high',
    status: 'inProgress',
    assignedTo: 'Customer',
    classification: 'truePositive',
    determination: 'malware',
    customTags: [],
    systemTags: ['Defender Experts'],
    webUrl: 'https://security.microsoft.com/incidents/2972403',
    createdAt: '2026-11-29T08:00:00Z',
    lastUpdatedAt: '2026-11-29T09:00:00Z',
    comments: [],
    ...overrides,
  };
}

function event(change: OutboxEvent['change'], inc: Incident = incident()): OutboxEvent {
  return {
    id: `${TENANT}:${inc.id}:${inc.lastUpdatedAt}:${change.type}`,
    seq: 1,
    tenantId: TENANT,
    incidentId: inc.id,
    change,
    incident: inc,
    detectedAt: '2026-11-29T09:00:05Z',
  };
}

function ctx(overrides: Partial<PlanContext> = {}): PlanContext {
  return {
    tenant,
    current: incident(),
    response: demoManagedResponses(new Date('2026-11-29T09:00:00Z'))[0],
    awaitingCount: 2,
    contactHasCard: async () => false,
    now: '2026-11-29T09:00:06Z',
    ...overrides,
  };
}

const text = (value: unknown) => JSON.stringify(value);

/** The job's card as the engine renders it when sending: its view, from this state. */
async function rendered(job: DeliveryJob, state: PlanContext): Promise<string> {
  const deps = {
    tenantOf: () => state.tenant,
    incidents: { get: () => Promise.resolve(state.current) },
    responses: {
      get: () => Promise.resolve(state.response && { key: 'k', value: state.response, version: 1 }),
    },
  };
  const render = viewRenderer({
    email: {} as RenderEmailDeps, // no email job in these plans
    soc: { ...deps, reach: { list: () => Promise.resolve([]) } },
    contact: { ...deps, awaitingCount: () => Promise.resolve(state.awaitingCount) },
  });
  const out = await render(job);
  assert.equal(out?.kind, 'activity', `${job.id} renders a card`);
  return text(out.kind === 'activity' ? out.activity : undefined);
}

describe('planNotifications', () => {
  it('sends an awaiting incident to every primary contact, not the secondary, and updates each SOC channel', async () => {
    const state = ctx();
    const jobs = await planNotifications(event({ type: 'awaitingCustomer' }), state);
    const contacts = jobs.filter((j) => j.target.kind === 'personal');
    assert.deepEqual(
      contacts.map((j) => (j.target.kind === 'personal' ? j.target.userId : '')),
      ['A-1', 'M-2'],
    );
    for (const job of contacts) {
      assert.equal(job.operation.kind, 'send');
      assert.equal(
        job.messageKey,
        contactMessageKey(
          TENANT,
          '2972403',
          job.target.kind === 'personal' ? job.target.userId : '',
        ),
      );
      assert.equal(job.operation.activity.view?.kind, 'incidentNotification', 'a view, not a card');
      const card = await rendered(job, state);
      assert.match(card, /2 incidents await your action/);
      assert.match(card, /4 pending actions/);
    }
    const soc = jobs.filter((j) => j.target.kind === 'conversation');
    assert.equal(soc.length, 4, 'card + step in each of two channels');
    const update = soc.find((j) => j.operation.kind === 'update')!;
    assert.equal(
      update.operation.kind === 'update' && update.operation.messageKey,
      socMessageKey(TENANT, '2972403', '19:soc@thread.tacv2'),
    );
    const step = soc.find((j) => j.operation.kind === 'send')!;
    assert.equal(
      step.operation.kind === 'send' && step.operation.replyToMessageKey,
      update.operation.kind === 'update' ? update.operation.messageKey : '',
    );
    assert.equal(step.orderingKey, update.orderingKey, 'the step waits for its card');
  });

  it('gives deterministic job ids, so replanning the same event enqueues nothing new', async () => {
    const a = await planNotifications(event({ type: 'awaitingCustomer' }), ctx());
    const b = await planNotifications(event({ type: 'awaitingCustomer' }), ctx());
    assert.deepEqual(
      a.map((j) => j.id),
      b.map((j) => j.id),
    );
    assert.equal(new Set(a.map((j) => j.id)).size, a.length);
  });

  it('posts nothing to the SOC channel for an incident the experts do not handle', async () => {
    const plain = incident({ systemTags: [], assignedTo: null, status: 'active' });
    const jobs = await planNotifications(
      event({ type: 'statusChanged', from: 'active', to: 'active' }, plain),
      ctx({ current: plain, response: undefined }),
    );
    assert.deepEqual(jobs, []);
  });

  it('keeps contacts’ existing cards current on later steps, and only theirs', async () => {
    const resolved = incident({ status: 'resolved', assignedTo: null });
    const state = ctx({ current: resolved, contactHasCard: async (key) => key.endsWith(':a-1') });
    const jobs = await planNotifications(
      event(
        { type: 'resolved', classification: 'truePositive', determination: 'malware' },
        resolved,
      ),
      state,
    );
    const contactJobs = jobs.filter((j) => j.target.kind === 'personal');
    assert.equal(contactJobs.length, 1);
    assert.equal(contactJobs[0]!.operation.kind, 'update');
    assert.match(await rendered(contactJobs[0]!, state), /Resolved/);
    const steps = jobs.filter((j) => j.operation.kind === 'send').map((j) => text(j.operation));
    assert.ok(steps.every((s) => s.includes('Resolved as True positive (Malware)')));
  });

  it('shows the experts’ closing comment on the SOC card when they resolve as false positive', async () => {
    const fp = incident({
      status: 'resolved',
      assignedTo: null,
      classification: 'falsePositive',
      determination: 'notMalicious',
      comments: [
        {
          comment: 'Admin script.',
          createdBy: 'Defender Experts',
          createdAt: '2026-11-29T09:00:00Z',
        },
      ],
    });
    const state = ctx({ current: fp, response: undefined });
    const jobs = await planNotifications(
      event(
        {
          type: 'resolved',
          classification: 'falsePositive',
          determination: 'notMalicious',
          closingComment: 'Admin script.',
        },
        fp,
      ),
      state,
    );
    const card = await rendered(
      jobs.find((j) => j.operation.kind === 'update')!,
      state,
    );
    assert.match(card, /Admin script\./);
    assert.match(card, /False positive/);
    assert.match(card, /Not malicious/);
  });
});
