// One poll at a time (IncidentWatcher.pollOnce) over MemoryStore and a fake Graph list: change
// detection, the first-sight rule, the watermark and its overlap, de-duplication, and the
// compare-and-set that keeps concurrent polls and restarts from writing an event twice.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DEMO_TENANT_ID } from '../../src/emulator/demo-data.ts';
import type { Store } from '../../src/store/store.ts';
import { StoreConflictError } from '../../src/store/store.ts';
import { AWAITING_INDEX, AwaitingIndex } from '../../src/watcher/awaiting-index.ts';
import { IncidentWatcher, WATCHER_DEFAULTS } from '../../src/watcher/incident-watcher.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../src/watcher/incident-snapshots.ts';
import { Outbox } from '../../src/watcher/outbox.ts';
import { WATERMARKS_COLLECTION, watermarkKey } from '../../src/watcher/watermark-record.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import {
  at,
  awaiting,
  Clock,
  DelegatingStore,
  FakeIncidentSource,
  incident,
  investigating,
  NOW,
  RecordingLogger,
  tenant,
  TENANT_A,
} from './fakes.ts';

const OVERLAP = 5 * 60_000;

function setup(options: { store?: Store; source?: FakeIncidentSource; overlapMs?: number } = {}) {
  const store = options.store ?? new MemoryStore();
  const source = options.source ?? new FakeIncidentSource();
  const logger = new RecordingLogger();
  const clock = new Clock();
  const make = (s: Store = store) =>
    new IncidentWatcher({
      store: s,
      tenants: [tenant(TENANT_A, 'Contoso')],
      incidentsFor: () => source,
      overlapMs: options.overlapMs ?? OVERLAP,
      now: clock.now,
      logger,
    });
  return { store, source, logger, clock, watcher: make(), make, outbox: new Outbox(store) };
}

const types = (events: { change: { type: string } }[]) => events.map((e) => e.change.type);

async function watermarkOf(store: Store): Promise<string | undefined> {
  const record = await store.get<{ watermark: string }>(
    WATERMARKS_COLLECTION,
    watermarkKey(TENANT_A),
  );
  return record?.value.watermark;
}

describe('watcher: one poll', () => {
  describe('change detection', () => {
    it('keeps the awaiting index in the batch of the snapshot it follows', async () => {
      const { source, watcher, store } = setup();
      const tagged = { systemTags: ['Defender Experts'] };
      const entries = async () =>
        (await store.list(AWAITING_INDEX, { prefix: `${TENANT_A.toLowerCase()}:` })).map(
          (r) => r.key,
        );
      source.set(incident('1', { ...tagged, lastUpdatedAt: at(-30) }));
      source.set(incident('2', { ...tagged, ...awaiting, lastUpdatedAt: at(-30) }));
      await watcher.pollOnce(TENANT_A);
      assert.deepEqual(await entries(), [snapshotKey(TENANT_A, '2')]);

      source.update('1', awaiting, at(-20));
      source.update('2', investigating, at(-20));
      await watcher.pollOnce(TENANT_A);
      assert.deepEqual(await entries(), [snapshotKey(TENANT_A, '1')]);
      assert.equal(await new AwaitingIndex(store).count(TENANT_A), 1);
    });

    it('reports each life-cycle step once, with a deterministic id and both snapshots', async () => {
      const { source, watcher, store, outbox } = setup();
      source.set(incident('1', { lastUpdatedAt: at(-30) }));
      assert.deepEqual(await watcher.pollOnce(TENANT_A), [], 'an active incident is no news');

      const t1 = at(-20);
      source.update('1', investigating, t1);
      const [started, ...rest] = await watcher.pollOnce(TENANT_A);
      assert.equal(rest.length, 0);
      assert.equal(started?.id, `${TENANT_A}:1:${t1}:expertsStarted`);
      assert.equal(started?.seq, 1);
      assert.equal(started?.incidentId, '1');
      assert.equal(started?.tenantId, TENANT_A);
      assert.equal(started?.previous?.status, 'active');
      assert.equal(started?.incident.status, 'inProgress');
      assert.equal(started?.detectedAt, new Date(NOW).toISOString());

      const batch = sinon.spy(store, 'batch');
      assert.deepEqual(await watcher.pollOnce(TENANT_A), [], 're-reading is harmless');
      assert.equal(batch.callCount, 0, 'nothing changed, nothing written');

      source.update(
        '1',
        { ...awaiting, classification: 'truePositive', determination: 'malware' },
        at(-10),
      );
      const second = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(types(second), ['classificationChanged', 'awaitingCustomer']);
      assert.deepEqual(
        second.map((e) => e.seq),
        [2, 3],
      );
      const pending = await outbox.pending();
      assert.deepEqual(types(pending.map((p) => p.event)), [
        'expertsStarted',
        'classificationChanged',
        'awaitingCustomer',
      ]);
      const snapshot = await store.get<{ status: string }>(
        SNAPSHOTS_COLLECTION,
        snapshotKey(TENANT_A, '1'),
      );
      assert.equal(snapshot?.value.status, 'awaitingAction');
    });

    it('numbers repeated change types of one update, so ids stay unique', async () => {
      const { source, watcher } = setup();
      source.set(incident('1', { ...investigating, lastUpdatedAt: at(-30) }));
      await watcher.pollOnce(TENANT_A);
      const comment = (text: string) => ({
        comment: text,
        createdBy: 'Experts',
        createdAt: at(-5),
      });
      source.update('1', { comments: [comment('one'), comment('two')] }, at(-5));
      const events = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(
        events.map((e) => e.id),
        [`${TENANT_A}:1:${at(-5)}:commentAdded`, `${TENANT_A}:1:${at(-5)}:commentAdded:2`],
      );
    });
    it('keeps a change made without a new lastUpdateDateTime apart from the earlier one', async () => {
      const { source, watcher } = setup();
      source.set(incident('1', { ...investigating, lastUpdatedAt: at(-30) }));
      await watcher.pollOnce(TENANT_A);
      const comment = (text: string) => ({
        comment: text,
        createdBy: 'Experts',
        createdAt: at(-5),
      });
      source.update('1', { comments: [comment('one')] }, at(-5));
      await watcher.pollOnce(TENANT_A);
      source.update('1', { comments: [comment('one'), comment('two')] }, at(-5));
      const [late] = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(late?.change, { type: 'commentAdded', comment: comment('two') });
      assert.match(
        late?.id ?? '',
        new RegExp(`^${TENANT_A}:1:${at(-5)}:commentAdded:[0-9a-f]{12}$`),
      );
    });
  });

  describe('first sight', () => {
    it('on the first poll, reports only open incidents the experts hold', async () => {
      const { source, watcher } = setup();
      source.set(
        incident('1'),
        incident('2', investigating),
        incident('3', { ...awaiting, classification: 'truePositive' }),
        incident('4', { status: 'resolved', classification: 'falsePositive' }),
        incident('5', { status: 'redirected', redirectIncidentId: '3' }),
      );
      const events = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(
        events.map((e) => `${e.incidentId}:${e.change.type}`),
        ['2:expertsStarted', '3:awaitingCustomer'],
      );
      assert.ok(events.every((e) => e.previous === undefined));
    });

    it('after the first poll, a new incident is news even when already resolved', async () => {
      const { source, watcher } = setup();
      await watcher.pollOnce(TENANT_A);
      source.set(
        incident('6', {
          status: 'resolved',
          classification: 'falsePositive',
          determination: 'notMalicious',
          comments: [{ comment: 'Closing as FP', createdBy: 'Experts', createdAt: at(-2) }],
          lastUpdatedAt: at(-2),
        }),
      );
      const [event] = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(event?.change, {
        type: 'resolved',
        classification: 'falsePositive',
        determination: 'notMalicious',
        closingComment: 'Closing as FP',
      });
    });

    it('treats an unreadable snapshot as never seen and says so', async () => {
      const { source, watcher, store, logger } = setup();
      await watcher.pollOnce(TENANT_A);
      await store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT_A, '7'), { garbage: true });
      source.set(incident('7', { ...awaiting, lastUpdatedAt: at(-1) }));
      assert.deepEqual(types(await watcher.pollOnce(TENANT_A)), ['awaitingCustomer']);
      assert.ok(logger.lines.some((l) => l.level === 'warn' && /unreadable/.test(l.message)));
    });
  });

  describe('watermark', () => {
    it('looks back initialLookbackMs first, then from the newest update minus the overlap', async () => {
      const { source, watcher, store } = setup();
      source.set(
        incident('1', { lastUpdatedAt: at(-30) }),
        incident('2', { lastUpdatedAt: at(-7) }),
      );
      await watcher.pollOnce(TENANT_A);
      await watcher.pollOnce(TENANT_A);
      assert.equal(
        source.calls[0]?.updatedSince,
        new Date(NOW - WATCHER_DEFAULTS.initialLookbackMs).toISOString(),
      );
      assert.equal(source.calls[0]?.orderBy, 'lastUpdateDateTime asc');
      assert.equal(await watermarkOf(store), at(-7));
      assert.equal(
        source.calls[1]?.updatedSince,
        new Date(Date.parse(at(-7)) - OVERLAP).toISOString(),
      );
    });

    it('ends the first poll even when the tenant has no incidents', async () => {
      const { source, watcher, store } = setup();
      await watcher.pollOnce(TENANT_A);
      assert.equal(
        await watermarkOf(store),
        new Date(NOW - WATCHER_DEFAULTS.initialLookbackMs).toISOString(),
      );
      source.set(incident('1', { ...awaiting, lastUpdatedAt: at(-1), createdAt: at(-1) }));
      assert.deepEqual(types(await watcher.pollOnce(TENANT_A)), ['awaitingCustomer']);
    });

    it('finds an update sharing the watermark timestamp that became visible later (overlap 0)', async () => {
      const { source, watcher, store } = setup({ overlapMs: 0 });
      await watcher.pollOnce(TENANT_A);
      const same = at(-3);
      source.set(
        incident('1', { ...investigating, lastUpdatedAt: same }),
        incident('2', { ...investigating, lastUpdatedAt: same }),
      );
      source.hidden.add('2');
      assert.deepEqual(
        (await watcher.pollOnce(TENANT_A)).map((e) => e.incidentId),
        ['1'],
      );
      assert.equal(await watermarkOf(store), same);
      source.hidden.clear();
      const events = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(
        events.map((e) => `${e.incidentId}:${e.change.type}`),
        ['2:expertsStarted'],
      );
    });

    it('finds an older update that shows up late, within the overlap', async () => {
      const { source, watcher } = setup();
      source.set(
        incident('1', { lastUpdatedAt: at(-60) }),
        incident('2', { lastUpdatedAt: at(-60) }),
      );
      await watcher.pollOnce(TENANT_A);
      source.update('1', awaiting, at(-2));
      source.update('2', investigating, at(-4));
      source.hidden.add('2');
      assert.deepEqual(types(await watcher.pollOnce(TENANT_A)), ['awaitingCustomer']);
      source.hidden.clear();
      assert.deepEqual(types(await watcher.pollOnce(TENANT_A)), ['expertsStarted']);
    });

    it('does not move past an incident the paging may have skipped', async () => {
      const { source, watcher, store } = setup();
      source.set(incident('1', { lastUpdatedAt: at(-60) }));
      await watcher.pollOnce(TENANT_A);
      // Incident 1 was updated while the pages were read: it shows twice, and whatever followed
      // it on the first page may have been skipped.
      source.answer = () => [
        incident('1', { ...investigating, lastUpdatedAt: at(-10) }),
        incident('2', { lastUpdatedAt: at(-8) }),
        incident('1', { ...awaiting, lastUpdatedAt: at(-1) }),
      ];
      const events = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(types(events), ['expertsStarted', 'awaitingCustomer']);
      assert.equal(await watermarkOf(store), at(-10));
    });

    it('never compares an older copy backwards', async () => {
      const { source, watcher } = setup();
      source.set(incident('1', { ...awaiting, lastUpdatedAt: at(-2) }));
      await watcher.pollOnce(TENANT_A);
      source.answer = () => [incident('1', { ...investigating, lastUpdatedAt: at(-5) })];
      assert.deepEqual(await watcher.pollOnce(TENANT_A), []);
    });
  });

  describe('concurrency and restarts', () => {
    it('two overlapping polls of one tenant write each event once', async () => {
      const { source, make, store, outbox } = setup();
      source.set(incident('1', { lastUpdatedAt: at(-30) }));
      const [w1, w2] = [make(), make()];
      await w1.pollOnce(TENANT_A);
      source.update('1', awaiting, at(-1));

      let release!: () => void;
      source.gate = new Promise((resolve) => (release = resolve));
      const batch = sinon.spy(store, 'batch');
      const polls = [w1.pollOnce(TENANT_A), w2.pollOnce(TENANT_A)];
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(source.calls.length, 3, 'both polls fetched before either committed');
      release();
      const [a = [], b = []] = await Promise.all(polls);

      assert.equal(a.length + b.length, 1);
      assert.deepEqual(types((await outbox.pending()).map((p) => p.event)), ['awaitingCustomer']);
      const conflicts = await Promise.all(
        batch.returnValues.map((p) =>
          p.then(
            () => false,
            (e) => e instanceof StoreConflictError,
          ),
        ),
      );
      assert.deepEqual(conflicts, [false, true], 'the second commit hit the compare-and-set');
    });

    it('a poll overtaken between planning and commit never writes its older view', async () => {
      const inner = new MemoryStore();
      const source = new FakeIncidentSource().set(incident('1', { lastUpdatedAt: at(-30) }));
      const newer = new FakeIncidentSource().set(
        incident('1', { ...awaiting, lastUpdatedAt: at(-1) }),
      );
      const watcherOn = (store: Store, from: FakeIncidentSource) =>
        new IncidentWatcher({
          store,
          tenants: [tenant(TENANT_A)],
          incidentsFor: () => from,
          now: new Clock().now,
        });
      const fast = watcherOn(inner, newer);
      await watcherOn(inner, source).pollOnce(TENANT_A);

      // The slow poll sees only a retitled incident (no event, just a snapshot to store); just
      // before its batch, a faster poll commits the handover to the customer.
      source.update('1', { title: 'Renamed' }, at(-5));
      let overtaken = false;
      const slowStore = new DelegatingStore(inner, async (ops, store) => {
        if (!overtaken) {
          overtaken = true;
          assert.deepEqual(types(await fast.pollOnce(TENANT_A)), ['awaitingCustomer']);
        }
        return store.batch(ops);
      });
      assert.deepEqual(await watcherOn(slowStore, source).pollOnce(TENANT_A), []);
      assert.ok(overtaken);

      const snapshot = await inner.get<{ status: string }>(
        SNAPSHOTS_COLLECTION,
        snapshotKey(TENANT_A, '1'),
      );
      assert.equal(snapshot?.value.status, 'awaitingAction', 'the newer snapshot survived');
      assert.deepEqual(await fast.pollOnce(TENANT_A), [], 'so the handover is not reported twice');
    });

    it('retries the commit when another service appended to the outbox meanwhile', async () => {
      const inner = new MemoryStore();
      const outside = new Outbox(inner);
      let interfered = false;
      const store = new DelegatingStore(inner, async (ops) => {
        if (!interfered) {
          interfered = true;
          const ops2 = await outside.appendOps([
            {
              id: 'experts:1:responsePublished',
              tenantId: TENANT_A,
              incidentId: '1',
              change: { type: 'expertsStarted' },
              incident: incident('1'),
              detectedAt: at(0),
            },
          ]);
          await inner.batch(ops2);
        }
        return inner.batch(ops);
      });
      const { source, watcher } = setup({ store });
      source.set(incident('1', { ...awaiting, lastUpdatedAt: at(-1) }));
      const events = await watcher.pollOnce(TENANT_A);
      assert.deepEqual(
        events.map((e) => [e.seq, e.change.type]),
        [[2, 'awaitingCustomer']],
      );
      const pending = await new Outbox(inner).pending();
      assert.deepEqual(
        pending.map((p) => p.event.seq),
        [1, 2],
      );
    });

    it('a crash before the commit loses nothing, and a restart duplicates nothing', async () => {
      const inner = new MemoryStore();
      let crash = false;
      const crashing = new DelegatingStore(inner, async (ops) => {
        if (crash) throw new Error('process died');
        return inner.batch(ops);
      });
      const { source, make } = setup({ store: inner });
      source.set(incident('1', { lastUpdatedAt: at(-30) }));
      const before = make(crashing);
      await before.pollOnce(TENANT_A);
      source.update('1', investigating, at(-3));
      crash = true;
      await assert.rejects(before.pollOnce(TENANT_A), /process died/);

      const after = make(inner);
      assert.deepEqual(types(await after.pollOnce(TENANT_A)), ['expertsStarted']);
      const again = make(inner);
      assert.deepEqual(await again.pollOnce(TENANT_A), []);
      assert.equal((await new Outbox(inner).pending()).length, 1);
    });

    it('keeps tenants apart: snapshots and watermarks are per tenant', async () => {
      const store = new MemoryStore();
      const a = new FakeIncidentSource().set(incident('1', { ...awaiting, lastUpdatedAt: at(-2) }));
      const b = new FakeIncidentSource().set(
        incident('1', { ...investigating, tenantId: DEMO_TENANT_ID, lastUpdatedAt: at(-9) }),
      );
      const watcher = new IncidentWatcher({
        store,
        tenants: [tenant(TENANT_A), tenant(DEMO_TENANT_ID)],
        incidentsFor: (id) => (id === TENANT_A ? a : b),
        now: new Clock().now,
      });
      const results = await watcher.pollAll();
      assert.deepEqual(
        results.map((r) => (r.ok ? types(r.events) : r.error)),
        [['awaitingCustomer'], ['expertsStarted']],
      );
      assert.equal(await watermarkOf(store), at(-2));
    });
  });

  describe('a poll with many changes', () => {
    const many = (count: number) =>
      Array.from({ length: count }, (_, i) =>
        incident(String(100 + i), { ...investigating, lastUpdatedAt: at(-60 + i * 0.25) }),
      );

    it('commits in batches of at most 100 ops, oldest first, and loses no event', async () => {
      const sizes: number[] = [];
      const inner = new MemoryStore();
      const store = new DelegatingStore(inner, (ops, s) => {
        sizes.push(ops.length);
        return s.batch(ops);
      });
      const { source, watcher } = setup({ store });
      source.set(incident('1', { lastUpdatedAt: at(-90) }));
      await watcher.pollOnce(TENANT_A); // the first poll: a watermark exists from here on
      sizes.length = 0;
      source.set(...many(120));
      const events = await watcher.pollOnce(TENANT_A);
      assert.ok(sizes.length > 1, `one batch of ${sizes[0]} ops`);
      assert.ok(Math.max(...sizes) <= 100, `batches of ${sizes.join(', ')} ops`);
      assert.deepEqual(
        [...new Set(events.map((e) => e.incidentId))].sort(),
        many(120)
          .map((i) => i.id)
          .sort(),
      );
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
        'sequence numbers follow each other',
      );
      assert.equal(await watermarkOf(store), many(120).at(-1)!.lastUpdatedAt);
    });

    it('resumes after a failure between batches without losing or repeating an event', async () => {
      const inner = new MemoryStore();
      let batches = 0;
      let failAt = 0;
      const store = new DelegatingStore(inner, (ops, s) => {
        batches += 1;
        if (batches === failAt) return Promise.reject(new Error('store unavailable'));
        return s.batch(ops);
      });
      const { source, watcher, outbox } = setup({ store });
      source.set(incident('1', { lastUpdatedAt: at(-90) }));
      await watcher.pollOnce(TENANT_A);
      source.set(...many(60));
      failAt = batches + 3; // the third batch of the big poll fails
      await watcher.pollOnce(TENANT_A).then(
        () => assert.fail('the poll must report the failed batch'),
        (error: Error) => assert.match(error.message, /store unavailable/),
      );
      const partial = await watermarkOf(store);
      assert.ok(partial && partial < many(60).at(-1)!.lastUpdatedAt, 'the watermark stopped early');
      await watcher.pollOnce(TENANT_A);
      const all = (await outbox.pending()).map((p) => p.event.id);
      assert.equal(new Set(all).size, all.length, 'no event twice');
      assert.deepEqual(
        [...new Set((await outbox.pending()).map((p) => p.event.incidentId))].sort(),
        many(60)
          .map((i) => i.id)
          .sort(),
      );
      assert.equal(await watermarkOf(store), many(60).at(-1)!.lastUpdatedAt);
    });
  });
});
