import assert from 'node:assert/strict';
import type { Incident } from '../../../src/domain/incident.ts';
import type { ManagedResponse } from '../../../src/domain/managed-response.ts';
import type { ResponseAction } from '../../../src/domain/response-action.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import type { DeliveryJob } from '../../../src/delivery/delivery-job.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import {
  AWAITING,
  AwaitingTracker,
  type AwaitingRecord,
} from '../../../src/features/notifications/awaiting-tracker.ts';
import { contactMessageKey } from '../../../src/shared/message-keys.ts';
import {
  HOUR_MS,
  ReminderScheduler,
  type ReminderOptions,
} from '../../../src/features/notifications/reminders.ts';
import type { Store, WriteOp } from '../../../src/store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { incident as baseIncident, manual, TENANT } from '../../domain/builders.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { FakeClock } from '../../delivery/fake-clock.ts';
import { FakeMessenger } from '../../delivery/fake-messenger.ts';
import { RecordingLogger } from '../../delivery/recording-logger.ts';
import { encodeKey, JOBS } from '../../../src/delivery/delivery-store.ts';

const SINCE = '2026-03-02T08:00:00.000Z';
const P1 = 'aa000000-0000-4000-8000-000000000001';
const P2 = 'aa000000-0000-4000-8000-000000000002';
const S1 = 'bb000000-0000-4000-8000-000000000003';

const contoso: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: {
    primary: [
      { userId: P1, name: 'Pat' },
      { userId: P2, name: 'Pia' },
    ],
    secondary: [{ userId: S1, name: 'Sam' }],
  },
  admins: [],
  socChannels: [],
};

/**
 * Records jobs as store writes in the caller's batch, so they exist only if the batch did; keyed
 * as the delivery store keys its jobs, so they share the partition of the tenant's records.
 */
class RecordingDelivery {
  woken = 0;
  enqueueOps(jobs: readonly DeliveryJob[]): WriteOp[] {
    return jobs.map((job) => ({
      kind: 'put',
      collection: JOBS,
      key: encodeKey(job.id),
      value: job,
    }));
  }
  wake(): void {
    this.woken += 1;
  }
  findDelivery(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}

function awaitingIncident(overrides: Partial<Incident> = {}): Incident {
  return baseIncident({
    status: 'awaitingAction',
    assignedTo: 'Customer',
    lastUpdatedAt: SINCE,
    ...overrides,
  });
}

function response(actions: ResponseAction[]): ManagedResponse {
  return {
    tenantId: TENANT,
    incidentId: '2972395',
    summary: {
      headline: 'Credential theft on PROD-SRV-01',
      narrative: '',
      severity: 'high',
      potentialImpact: '',
      timeline: [],
      indicatorsOfAttack: [],
      indicatorsOfCompromise: [],
    },
    actions,
    publishedAt: SINCE,
    updatedAt: SINCE,
  };
}

async function setup(
  options: Partial<ReminderOptions> & { store?: Store; incident?: Incident; record?: boolean } = {},
) {
  const store = options.store ?? new MemoryStore();
  const incident = options.incident ?? awaitingIncident();
  if (!options.store) {
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT, incident.id), incident);
    if (options.record !== false) {
      const record: AwaitingRecord = {
        tenantId: TENANT,
        incidentId: incident.id,
        since: SINCE,
        remindersSent: 0,
        escalated: false,
      };
      await store.put(AWAITING, `${TENANT}:${incident.id}`, record);
    }
  }
  const delivery = new RecordingDelivery();
  const awaiting = new AwaitingTracker(store, new IncidentDirectory(store));
  const responses = new ManagedResponseRepository(store);
  const scheduler = new ReminderScheduler({
    store,
    delivery,
    tenants: () => [contoso],
    awaiting,
    responses,
    logger: createLogger({ level: 'silent' }),
    now: () => new Date(SINCE),
    ...options,
  });
  const at = (hours: number) => new Date(Date.parse(SINCE) + hours * HOUR_MS);
  const jobs = async () =>
    (await store.list<DeliveryJob>(JOBS))
      .map((r) => r.value)
      .sort((a, b) => a.id.localeCompare(b.id));
  const record = async () =>
    (await store.get<AwaitingRecord>(AWAITING, `${TENANT}:${incident.id}`))?.value;
  return { store, scheduler, delivery, responses, at, jobs, record };
}

const cardJson = (job: DeliveryJob) =>
  JSON.stringify(job.operation.kind === 'send' ? job.operation.activity.attachments : undefined);
const period = String(Date.parse(SINCE));

describe('ReminderScheduler', () => {
  it('reminds each primary contact once after 4 hours, recording it with the jobs', async () => {
    const { scheduler, at, jobs, record, delivery } = await setup();
    assert.deepEqual(await scheduler.checkOnce(at(3.9)), {
      reminders: 0,
      escalations: 0,
      digests: 0,
      lapses: 0,
    });
    assert.deepEqual(await jobs(), []);

    assert.equal((await scheduler.checkOnce(at(4))).reminders, 1);
    const sent = await jobs();
    assert.deepEqual(
      sent.map((j) => j.id),
      [P1, P2].map((u) => `reminder:${TENANT}:2972395:${period}:1:${u}`),
    );
    for (const job of sent) {
      assert.equal(job.target.kind, 'personal');
      assert.match(cardJson(job), /Reminder: still awaiting your action after 4 hours/);
      assert.match(cardJson(job), /Multi-stage incident involving Initial access/);
    }
    assert.deepEqual(
      sent.map((j) => j.target.kind === 'personal' && j.target.userId),
      [P1, P2],
    );
    assert.equal((await record())?.remindersSent, 1);
    assert.equal(delivery.woken, 1);

    await scheduler.checkOnce(at(5));
    await scheduler.checkOnce(at(23));
    assert.equal((await jobs()).length, 2, 'the reminder goes out once');
  });

  it('escalates to the secondary contacts once after 24 hours', async () => {
    const { scheduler, at, jobs, record } = await setup();
    await scheduler.checkOnce(at(4));
    const run = await scheduler.checkOnce(at(24));
    assert.deepEqual(run, { reminders: 0, escalations: 1, digests: 0, lapses: 0 });
    const escalations = (await jobs()).filter((j) => j.id.startsWith('escalation:'));
    assert.deepEqual(
      escalations.map((j) => j.id),
      [`escalation:${TENANT}:2972395:${period}:${S1}`],
    );
    assert.match(cardJson(escalations[0]!), /Escalation: still awaiting action after 24 hours/);
    assert.deepEqual(await record(), {
      tenantId: TENANT,
      incidentId: '2972395',
      since: SINCE,
      remindersSent: 1,
      escalated: true,
    });
    await scheduler.checkOnce(at(30));
    assert.equal((await jobs()).length, 3);
  });

  it('uses the configured delays', async () => {
    const { scheduler, at, jobs } = await setup({
      remindAfterMs: 30 * 60_000,
      escalateAfterMs: 90 * 60_000,
    });
    await scheduler.checkOnce(at(0.5));
    await scheduler.checkOnce(at(1.5));
    const sent = await jobs();
    assert.equal(sent.length, 3);
    assert.match(cardJson(sent[2]!), /after 30 minutes/);
    assert.match(cardJson(sent[0]!), /after 1 hour 30 minutes/);
  });

  it('sends nothing once the incident has moved on', async () => {
    const { store, scheduler, at, jobs } = await setup();
    await store.put(
      SNAPSHOTS_COLLECTION,
      snapshotKey(TENANT, '2972395'),
      awaitingIncident({ status: 'inProgress', assignedTo: 'Defender Experts' }),
    );
    await scheduler.checkOnce(at(30));
    assert.deepEqual(await jobs(), []);
  });

  it('sends nothing when the incident moves on during the check (the write conflicts)', async () => {
    const base = await setup();
    const { scheduler, jobs, at } = await setup({
      store: base.store,
      awaiting: {
        list: async (tenantId) => {
          const rows = await new AwaitingTracker(
            base.store,
            new IncidentDirectory(base.store),
          ).list(tenantId);
          // The notification service ends the awaiting period right after the read.
          await base.store.delete(AWAITING, `${TENANT}:2972395`);
          return rows;
        },
      },
    });
    assert.deepEqual(await scheduler.checkOnce(at(30)), {
      reminders: 0,
      escalations: 0,
      digests: 0,
      lapses: 0,
    });
    assert.deepEqual(await jobs(), []);
  });

  it('does not remind when the managed response has no open action left', async () => {
    const { scheduler, responses, at, jobs } = await setup();
    await responses.put(
      response([manual({ status: 'completed' }), manual({ id: 'man-2', status: 'skipped' })]),
      0,
    );
    await scheduler.checkOnce(at(30));
    assert.deepEqual(await jobs(), []);
  });

  it('reminds while an action is still open (a failed one counts)', async () => {
    const { scheduler, responses, at, jobs } = await setup();
    await responses.put(
      response([manual({ status: 'completed' }), manual({ id: 'man-2', status: 'pending' })]),
      0,
    );
    await scheduler.checkOnce(at(4));
    const [first] = await jobs();
    assert.match(cardJson(first!), /1 pending action/);
  });

  it('never sends twice after a restart', async () => {
    const first = await setup();
    await first.scheduler.checkOnce(first.at(4));
    const again = await setup({ store: first.store });
    assert.deepEqual(await again.scheduler.checkOnce(first.at(5)), {
      reminders: 0,
      escalations: 0,
      digests: 0,
      lapses: 0,
    });
    assert.equal((await again.jobs()).length, 2);
  });

  it('creates the awaiting record when the tracker has none yet', async () => {
    const { scheduler, at, jobs, record } = await setup({ record: false });
    await scheduler.checkOnce(at(4));
    assert.equal((await jobs()).length, 2);
    assert.equal((await record())?.remindersSent, 1);
    await scheduler.checkOnce(at(5));
    assert.equal((await jobs()).length, 2);
  });

  it('sends no daily digest unless configured', async () => {
    const quiet = { remindAfterMs: 100 * HOUR_MS, escalateAfterMs: 100 * HOUR_MS };
    const { scheduler, at, jobs } = await setup(quiet);
    await scheduler.checkOnce(at(1)); // 09:00 UTC
    await scheduler.checkOnce(at(15));
    assert.deepEqual(await jobs(), []);
  });

  it('sends each primary contact one digest a day from the configured hour, when something awaits', async () => {
    const { scheduler, at, jobs } = await setup({
      digestHourUtc: 9,
      remindAfterMs: 100 * HOUR_MS,
      escalateAfterMs: 100 * HOUR_MS,
    });
    await scheduler.checkOnce(at(0.5)); // 08:30
    assert.deepEqual(await jobs(), []);
    assert.equal((await scheduler.checkOnce(at(1))).digests, 2); // 09:00
    await scheduler.checkOnce(at(5));
    const today = await jobs();
    assert.deepEqual(
      today.map((j) => j.id),
      [P1, P2].map((u) => `digest:${TENANT}:${u}:2026-03-02`),
    );
    assert.match(cardJson(today[0]!), /1 incident awaits Contoso's action/);
    await scheduler.checkOnce(at(25)); // next day, 09:00
    assert.equal((await jobs()).length, 4);
  });

  it('sends no digest when nothing awaits', async () => {
    const { store, scheduler, at, jobs } = await setup({ digestHourUtc: 0 });
    await store.put(
      SNAPSHOTS_COLLECTION,
      snapshotKey(TENANT, '2972395'),
      awaitingIncident({ status: 'resolved', assignedTo: null }),
    );
    await scheduler.checkOnce(at(2));
    assert.deepEqual(await jobs(), []);
  });

  it('refuses a digest hour outside 0–23', async () => {
    await assert.rejects(setup({ digestHourUtc: 24 }), /DIGEST_HOUR_UTC must be a whole hour/);
  });

  it('checks on start and on every interval until stopped', async () => {
    let ms = Date.parse(SINCE) + 4 * HOUR_MS;
    const { scheduler, jobs } = await setup({ now: () => new Date(ms), intervalMs: 5 });
    scheduler.start();
    await waitFor(async () => (await jobs()).length === 2);
    ms += 20 * HOUR_MS; // the next tick escalates
    await waitFor(async () => (await jobs()).length === 3);
    await scheduler.stop();
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ReminderScheduler with the delivery engine', () => {
  it('delivers each reminder once, even across a restart of both', async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const messenger = new FakeMessenger(clock.nowMs);
    const engine = () =>
      new DeliveryEngine({
        store,
        messenger,
        logger: new RecordingLogger(),
        now: clock.now,
        sleep: clock.sleep,
        random: () => 0,
      });
    const first = engine();
    const seeded = await setup();
    for (const collection of [SNAPSHOTS_COLLECTION, AWAITING]) {
      for (const r of await seeded.store.list(collection))
        await store.put(collection, r.key, r.value);
    }
    const schedulerFor = (delivery: DeliveryEngine) =>
      new ReminderScheduler({
        store,
        delivery,
        tenants: () => [contoso],
        awaiting: new AwaitingTracker(store, new IncidentDirectory(store)),
        responses: new ManagedResponseRepository(store),
        logger: createLogger({ level: 'silent' }),
        now: () => new Date(SINCE),
      });
    const fourHours = new Date(Date.parse(SINCE) + 4 * HOUR_MS);

    await schedulerFor(first).checkOnce(fourHours);
    await first.drain();
    assert.deepEqual(
      messenger.calls.map(
        (c) => c.kind === 'send' && c.target.kind === 'personal' && c.target.userId,
      ),
      [P1, P2],
    );
    const recorded = await first.findDelivery(contactMessageKey(TENANT, '2972395', P1));
    assert.ok(recorded, 'the reminder is the card later changes of the incident edit');

    const second = engine();
    await schedulerFor(second).checkOnce(new Date(Date.parse(SINCE) + 5 * HOUR_MS));
    await second.drain();
    assert.equal(messenger.calls.length, 2);
  });
});
