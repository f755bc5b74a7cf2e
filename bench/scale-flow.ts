// The watcher and notification side of bench/click-scale.ts, on the same stack and store:
//   - a poll with one changed incident: the emulator changes one incident (untimed), then one
//     real poll of the tenant (Graph over HTTPS, compare, commit snapshot + watermark + event);
//   - the drain time per event: `events` incident events in the outbox (the experts hand as
//     many incidents to the customer), then the notification service plans every one (cards
//     for the contacts, the managed-response copies refreshed) and the delivery engine sends
//     every job; total time / events.
import { DEMO_INCIDENT_IDS, DEMO_TENANT_ID } from '../src/emulator/demo-data.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { WriteOp } from '../src/store/store.ts';
import { incidentChanges, incidentEvents } from '../src/watcher/incident-events.ts';
import type { OutboxEvent } from '../src/watcher/outbox.ts';
import { snapshotWriteOps } from '../src/watcher/awaiting-index.ts';
import { SNAPSHOTS_COLLECTION } from '../src/watcher/incident-snapshots.ts';
import {
  MANAGED_RESPONSES,
  managedResponseKey,
} from '../src/shared/managed-response-repository.ts';
import type { Stack } from '../test/bot/managed-response-stack.ts';

export interface Figures {
  p50: number;
  p99: number;
}

/** Polls once untimed (the look-back of a first poll), then `samples` polls of one change. */
export async function timeOneChangePolls(
  stack: Stack,
  samples: number,
  patchIncident: (id: string, status: string) => Promise<void> | void = (id, status) => {
    stack.emulator.control.patchIncident(DEMO_TENANT_ID, id, { status });
  },
): Promise<Figures> {
  const { watcher } = stack.app;
  await watcher.pollOnce(DEMO_TENANT_ID);
  const times: number[] = [];
  const id = DEMO_INCIDENT_IDS.active;
  for (let i = 0; i < samples; i += 1) {
    const status = i % 2 === 0 ? 'inProgress' : 'active';
    await patchIncident(id, status);
    const t0 = performance.now();
    const events = await watcher.pollOnce(DEMO_TENANT_ID);
    times.push(performance.now() - t0);
    if (events.length === 0) throw new Error('the poll saw no change: nothing was measured');
  }
  return figures(times);
}

/**
 * Writes `count` incident events to the outbox, as a poll would have written them (then
 * timeDrain times planning and delivering them, plus any the polls left): `count` incidents the experts hand
 * to the customer, each new to the store (its snapshot, as Graph shows it now, and the experts'
 * managed response) with one event, so every size drains the same work beside a store that
 * holds 100, 1,000 or 10,000 other incidents. `maxBatchOps` bounds the setup's batches.
 */
export async function prepareDrain(stack: Stack, count: number, maxBatchOps: number) {
  const { store } = stack;
  const { outbox } = stack.app;
  const [template] = await store.list<Incident>(SNAPSHOTS_COLLECTION);
  const [response] = await store.list<Record<string, unknown>>(MANAGED_RESPONSES);
  if (!template || !response) throw new Error('nothing to copy: prefill first');
  const detectedAt = new Date().toISOString();
  // An event is two ops (the event and its id record) beside the snapshot, its awaiting-index
  // entry and the response.
  const perBatch = Math.max(1, Math.floor((maxBatchOps - 1) / 5));
  for (let start = 0; start < count; start += perBatch) {
    const ops: WriteOp[] = [];
    const events: Omit<OutboxEvent, 'seq'>[] = [];
    for (let i = start; i < Math.min(count, start + perBatch); i += 1) {
      const id = `8${String(i).padStart(7, '0')}`;
      const previous: Incident = {
        ...template.value,
        id,
        tenantId: DEMO_TENANT_ID,
        status: 'inProgress',
        assignedTo: 'Defender Experts',
      };
      const next: Incident = {
        ...previous,
        status: 'awaitingAction',
        assignedTo: 'Customer',
        lastUpdatedAt: new Date(Date.parse('2026-06-01T00:00:00Z') + i * 1000).toISOString(),
      };
      const changes = incidentChanges(previous, next, { coldStart: false });
      const [event] = incidentEvents({
        tenantId: DEMO_TENANT_ID,
        previous,
        next,
        changes,
        detectedAt,
      });
      if (!event) throw new Error('handing an incident over made no event');
      events.push(event);
      ops.push(
        // As the poll writes it: the snapshot with its awaiting-index entry.
        ...snapshotWriteOps(DEMO_TENANT_ID, undefined, next),
        {
          kind: 'put',
          collection: MANAGED_RESPONSES,
          key: managedResponseKey(DEMO_TENANT_ID, id),
          value: { ...response.value, incidentId: id },
        },
      );
    }
    await store.batch([...ops, ...(await outbox.appendOps(events))]);
  }
  return (await outbox.pending()).length;
}

/** Plans and delivers every event in the outbox (prepareDrain's); ms per event. */
export async function timeDrain(stack: Stack, pending: number) {
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
