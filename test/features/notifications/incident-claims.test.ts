import assert from 'node:assert/strict';
import type { Caller } from '../../../src/app/feature.ts';
import type { DeliveryJob, DeliveryRecord } from '../../../src/delivery/delivery-job.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import {
  AWAITING,
  AwaitingTracker,
  type AwaitingRecord,
} from '../../../src/features/notifications/awaiting-tracker.ts';
import { readClaimAudit } from '../../../src/features/notifications/claim-audit.ts';
import { IncidentClaims } from '../../../src/features/notifications/incident-claims.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import type { WriteOp } from '../../../src/store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { incident as baseIncident, TENANT } from '../../domain/builders.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { encodeKey, JOBS } from '../../../src/delivery/delivery-store.ts';

const ALEX = 'aa000000-0000-4000-8000-000000000001';
const ISAIAH = 'aa000000-0000-4000-8000-000000000002';
const tenant: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [ALEX, ISAIAH], readers: [] },
  contacts: { primary: [{ userId: ALEX }, { userId: ISAIAH }], secondary: [] },
  admins: [],
  socChannels: [],
};
const incident = baseIncident({ status: 'awaitingAction', assignedTo: 'Customer' });
const caller = (userId: string, userName: string): Caller => ({
  tenantId: TENANT,
  userId,
  userName,
  conversationId: `a:${userId}`,
  kind: 'personal',
});

async function setup(delivered: string[] = []) {
  const store = new MemoryStore();
  await store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT, incident.id), incident);
  const delivery = {
    enqueueOps: (jobs: readonly DeliveryJob[]): WriteOp[] =>
      jobs.map((job) => ({ kind: 'put', collection: JOBS, key: encodeKey(job.id), value: job })),
    wake: () => undefined,
    findDelivery: (key: string): Promise<DeliveryRecord | undefined> => {
      const userId = delivered.find((u) => key.endsWith(u));
      return Promise.resolve(
        userId === undefined
          ? undefined
          : {
              jobId: `first:${userId}`,
              target: { kind: 'personal', tenantId: TENANT, userId },
              conversationId: `a:${userId}`,
              activityId: 'm1',
              deliveredAt: '2026-03-02T09:00:00Z',
              attempts: 1,
            },
      );
    },
  };
  const claims = new IncidentClaims({
    store,
    delivery,
    awaiting: new AwaitingTracker(store, new IncidentDirectory(store)),
    responses: new ManagedResponseRepository(store),
    tenantOf: (id) => (id === TENANT ? tenant : undefined),
    now: () => new Date('2026-03-02T10:00:00Z'),
    logger: silentLogger,
    lapseAfterMs: 4 * 3_600_000,
  });
  const record = async () =>
    (await store.get<AwaitingRecord>(AWAITING, `${TENANT}:${incident.id}`))?.value;
  const jobs = async () => (await store.list<DeliveryJob>(JOBS)).map((r) => r.value);
  return { store, claims, record, jobs };
}

describe('IncidentClaims', () => {
  it('lets exactly one of two simultaneous claimers win (compare-and-set on the awaiting record)', async () => {
    const { store, claims, record } = await setup();
    const answers = await Promise.all([
      claims.claim(caller(ALEX, 'Alex Wilber'), incident.id),
      claims.claim(caller(ISAIAH, 'Isaiah Langer'), incident.id),
    ]);
    const texts = answers.map((a) => JSON.stringify(a));
    assert.equal(texts.filter((t) => t.includes('You are on it.')).length, 1);
    assert.equal(texts.filter((t) => t.includes('is already on it')).length, 1);
    const winner = (await record())?.claim?.userId;
    assert.ok(winner === ALEX || winner === ISAIAH);
    const actions = (await readClaimAudit(store, TENANT)).map((r) => r.action).sort();
    assert.deepEqual(actions, ['claimed', 'refused']);
  });

  it('edits only the copies that were delivered, each for its viewer', async () => {
    const { claims, jobs } = await setup([ISAIAH]);
    await claims.claim(caller(ALEX, 'Alex Wilber'), incident.id);
    const sent = await jobs();
    assert.deepEqual(
      sent.map((j) => j.target.kind === 'personal' && j.target.userId),
      [ISAIAH],
    );
    const card = JSON.stringify(sent[0]?.operation);
    assert.match(card, /Alex Wilber is on it/);
    assert.match(card, /"kind":"update"/);
  });

  it('answers a notice for an incident that does not await the customer, and another tenant', async () => {
    const { claims, record } = await setup();
    const other = await claims.claim(caller(ALEX, 'Alex Wilber'), '999');
    assert.equal(other.kind, 'notice');
    assert.match(JSON.stringify(other), /does not await your organisation's action/);
    const foreign = await claims.claim(
      { ...caller(ALEX, 'A'), tenantId: 'someone-else' },
      incident.id,
    );
    assert.match(JSON.stringify(foreign), /not protected by this managed response service/);
    assert.equal(await record(), undefined);
  });
});
