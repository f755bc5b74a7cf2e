// The watcher and notification side of bench/click-scale.ts, on the same stack and store:
//   - a poll with one changed incident: the emulator changes one incident (untimed), then one
//     real poll of the tenant (Graph over HTTPS, compare, commit snapshot + watermark + event);
//   - the drain time per event: `events` incident events in the outbox (the experts hand
//     incidents of the store to the customer and take them back, round after round), then the
//     notification service plans every one (cards for the contacts, the managed-response copies
//     refreshed) and the delivery engine sends every job; total time / events.
import { DEMO_INCIDENT_IDS, DEMO_TENANT_ID } from '../src/emulator/demo-data.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { WriteOp } from '../src/store/store.ts';
import { incidentChanges, incidentEvents } from '../src/watcher/incident-events.ts';
import type { OutboxEvent } from '../src/watcher/outbox.ts';
import { SNAPSHOTS_COLLECTION } from '../src/watcher/incident-snapshots.ts';
import type { Stack } from '../test/bot/managed-response-stack.ts';

export interface Figures {
  p50: number;
  p99: number;
}

/** Polls once untimed (the look-back of a first poll), then `samples` polls of one change. */
export async function timeOneChangePolls(stack: Stack, samples: number): Promise<Figures> {
  const { watcher } = stack.app;
  await watcher.pollOnce(DEMO_TENANT_ID);
  const times: number[] = [];
  const id = DEMO_INCIDENT_IDS.active;
  for (let i = 0; i < samples; i += 1) {
    const status = i % 2 === 0 ? 'inProgress' : 'active';
    stack.emulator.control.patchIncident(DEMO_TENANT_ID, id, { status });
    const t0 = performance.now();
    const events = await watcher.pollOnce(DEMO_TENANT_ID);
    times.push(performance.now() - t0);
    if (events.length === 0) throw new Error('the poll saw no change: nothing was measured');
  }
  return figures(times);
}

/**
 * Writes `count` incident events to the outbox (untimed) and times planning and delivering all
 * of them (plus any the polls left); ms per event. `maxBatchOps` bounds the append batches.
 */
export async function timeDrain(stack: Stack, count: number, maxBatchOps: number) {
  const { store } = stack;
  const { outbox } = stack.app;
  const snapshots = (await store.list<Incident>(SNAPSHOTS_COLLECTION)).map((r) => r.value);
  const handedOver = (incident: Incident, round: number): Incident => ({
    ...incident,
    ...(round % 2 === 0
      ? { status: 'awaitingAction', assignedTo: 'Customer' }
      : { status: 'inProgress', assignedTo: 'Defender Experts' }),
    lastUpdatedAt: new Date(Date.parse('2026-06-01T00:00:00Z') + round * 1000).toISOString(),
  });
  const events: Omit<OutboxEvent, 'seq'>[] = [];
  const detectedAt = new Date().toISOString();
  for (let round = 0; events.length < count; round += 1) {
    for (const previous of snapshots) {
      if (events.length >= count) break;
      const before = round === 0 ? previous : handedOver(previous, round - 1);
      const next = handedOver(previous, round);
      const changes = incidentChanges(before, next, { coldStart: false });
      const [event] = incidentEvents({
        tenantId: DEMO_TENANT_ID,
        previous: before,
        next,
        changes,
        detectedAt,
      });
      if (event) events.push(event);
    }
  }
  // Each event is two ops (the event and its id record), plus the sequence counter.
  const perBatch = Math.max(1, Math.floor((maxBatchOps - 1) / 2));
  for (let i = 0; i < events.length; i += perBatch) {
    const ops: WriteOp[] = await outbox.appendOps(events.slice(i, i + perBatch));
    await store.batch(ops);
  }
  const pending = (await outbox.pending()).length;
  const service = stack.app.features.notifications.service;
  const t0 = performance.now();
  while ((await service.processPending()) > 0) {
    // processPending takes 100 events at a time
  }
  await stack.delivery.drain();
  const ms = performance.now() - t0;
  return { events: pending, perEventMs: round(ms / pending), totalS: round(ms / 1000) };
}

export function figures(times: number[]): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
