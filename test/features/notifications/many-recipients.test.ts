// An incident event with more recipients than one atomic batch holds (Azure Tables: 100 ops), on
// the embedded store keeping Tables' limit: every job is enqueued, the event is consumed once, no
// batch exceeds the limit, and a crash between the batches loses and repeats nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore } from '../../../src/app/open-store.ts';
import type { DeliveryJob } from '../../../src/delivery/delivery-job.ts';
import { encodeKey, INBOX } from '../../../src/delivery/delivery-store.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { NotificationService } from '../../../src/features/notifications/notification-service.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import type { Delivery } from '../../../src/shared/delivery.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import type { FlatStore } from '../../../src/store/flat-store.ts';
import { MAX_BATCH_OPS } from '../../../src/store/partitioned-store.ts';
import type { Store, WriteOp } from '../../../src/store/store.ts';
import { Outbox } from '../../../src/watcher/outbox.ts';
import { contoso, incident as harnessIncident, TENANT } from '../managed-response/harness.ts';

const CHANNELS = 250;

const tenant: CustomerTenant = contoso({
  contacts: { primary: [], secondary: [] },
  socChannels: Array.from({ length: CHANNELS }, (_, i) => ({ channelId: `19:soc-${i}@thread` })),
});

const incident = harnessIncident();

/**
 * The delivery port as the engine implements it for this: one put per job in the inbox, keyed by
 * its id (in the partition of the tenant the id names, as the engine's inbox entries are).
 */
const delivery: Delivery = {
  enqueue: () => Promise.reject(new Error('not used')),
  enqueueOps: (jobs: readonly DeliveryJob[]) =>
    jobs.map((job): WriteOp => ({
      kind: 'put',
      collection: INBOX,
      key: encodeKey(job.id),
      value: job,
    })),
  wake: () => undefined,
  findDelivery: () => Promise.resolve(undefined),
  findThreadRoot: () => Promise.resolve(undefined),
  listJobs: () => Promise.resolve([]),
  markReachable: () => Promise.resolve(0),
};

/** The store, recording each batch's size and failing the batch numbered `failAt` (a crash). */
function recording(store: FlatStore, failAt?: number): { store: Store; sizes: number[] } {
  const sizes: number[] = [];
  const batch = async (ops: WriteOp[]) => {
    sizes.push(ops.length);
    if (sizes.length === failAt) throw new Error('crash between batches');
    return store.batch(ops);
  };
  const wrapped = new Proxy(store, {
    get(target, property) {
      if (property === 'batch') return batch;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  }) as Store;
  return { store: wrapped, sizes };
}

function service(store: Store): NotificationService {
  return new NotificationService({
    store,
    outbox: new Outbox(store),
    delivery,
    tenants: () => [tenant],
    incidents: new IncidentDirectory(store),
    responses: new ManagedResponseRepository(store),
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-11-29T09:00:06Z'),
  });
}

describe('notifications: an event with more recipients than one batch holds', () => {
  let dataDir: string;
  let store: FlatStore;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'many-recipients-'));
    store = await openEmbeddedStore(dataDir, undefined, true);
    const outbox = new Outbox(store);
    await store.batch(
      await outbox.appendOps([
        {
          id: `${TENANT}:${incident.id}:${incident.lastUpdatedAt}:expertsStarted`,
          tenantId: TENANT,
          incidentId: incident.id,
          change: { type: 'expertsStarted' },
          incident,
          detectedAt: '2026-11-29T09:00:05Z',
        },
      ]),
    );
  });

  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const enqueued = async () => (await store.list<DeliveryJob>(INBOX)).map((r) => r.value.id).sort();
  // Per SOC channel: the incident's card and its step reply.
  const expectedIds = () =>
    tenant.socChannels
      .flatMap((c) =>
        ['soc', 'soc-step'].map(
          (kind) =>
            `${TENANT}:${incident.id}:${incident.lastUpdatedAt}:expertsStarted:${kind}:${c.channelId}`,
        ),
      )
      .sort();

  it('enqueues every job in batches within the limit and consumes the event once', async () => {
    const { store: counted, sizes } = recording(store);
    assert.equal(await service(counted).processPending(), 1);
    assert.deepEqual(await enqueued(), expectedIds());
    assert.ok(
      sizes.length >= 6,
      `${2 * CHANNELS} jobs need six batches at least: ${String(sizes)}`,
    );
    assert.ok(
      sizes.every((n) => n <= MAX_BATCH_OPS),
      String(sizes),
    );
    assert.deepEqual(await new Outbox(store).pending(), []);
    assert.equal(await service(store).processPending(), 0);
  });

  it('after a crash between the batches, plans the event again and enqueues each job once', async () => {
    const crashing = recording(store, 2);
    await assert.rejects(service(crashing.store).processPending(), /crash between batches/);
    const before = await enqueued();
    assert.ok(before.length > 0 && before.length < 2 * CHANNELS, `${before.length} written first`);
    assert.equal((await new Outbox(store).pending()).length, 1, 'the event is still pending');

    assert.equal(await service(store).processPending(), 1);
    assert.deepEqual(await enqueued(), expectedIds());
    assert.deepEqual(await new Outbox(store).pending(), []);
  });
});
