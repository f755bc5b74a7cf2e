import assert from 'node:assert/strict';
import type { Incident } from '../../../src/domain/incident.ts';
import {
  mergeAwaitingPeriods,
  nextRecord,
  type AwaitingPeriodsRecord,
} from '../../../src/features/reports/awaiting-periods.ts';
import type { OutboxEvent } from '../../../src/watcher/outbox.ts';
import { botFixture, cardText, personal, TENANT } from '../../bot/bot-fixture.ts';
import { storedIncident } from './stored-history.ts';

const awaitingIncident = (id: string) =>
  storedIncident(TENANT, id, { status: 'inProgress', assignedTo: 'Customer' });
const withExperts = (id: string) =>
  storedIncident(TENANT, id, { status: 'inProgress', assignedTo: 'Defender Experts' });

let seq = 0;
function event(
  incident: Incident,
  detectedAt: string,
  type: 'awaitingCustomer' | 'handedBackToExperts',
): OutboxEvent {
  seq += 1;
  return {
    id: `${TENANT}:${incident.id}:${detectedAt}:${type}`,
    seq,
    tenantId: TENANT,
    incidentId: incident.id,
    change: { type },
    incident: { ...incident, lastUpdatedAt: detectedAt },
    detectedAt,
  };
}

describe('awaiting periods recorded from incident events', () => {
  it('opens on entering Awaiting Customer Action, closes on leaving, once each', () => {
    const enter = event(awaitingIncident('1'), '2026-11-28T09:00:00.000Z', 'awaitingCustomer');
    const leave = event(withExperts('1'), '2026-11-28T13:00:00.000Z', 'handedBackToExperts');
    const opened = nextRecord(undefined, enter);
    assert.deepEqual(opened?.periods, [{ start: '2026-11-28T09:00:00.000Z' }]);
    assert.equal(nextRecord(opened, enter), undefined, 'the same event again');
    const closed = nextRecord(opened, leave) as AwaitingPeriodsRecord;
    assert.deepEqual(closed.periods, [
      { start: '2026-11-28T09:00:00.000Z', end: '2026-11-28T13:00:00.000Z' },
    ]);
    assert.equal(nextRecord(closed, leave), undefined);
    assert.equal(nextRecord(closed, enter), undefined, 'a late redelivery does not reopen it');
    const again = nextRecord(
      closed,
      event(awaitingIncident('1'), '2026-11-28T15:00:00.000Z', 'awaitingCustomer'),
    );
    assert.equal(again?.periods.length, 2);
    assert.deepEqual(again?.periods[1], { start: '2026-11-28T15:00:00.000Z' });
  });

  it('ignores incidents the experts do not handle, and events that leave nothing open', () => {
    const notOurs = storedIncident(TENANT, '2', {
      status: 'inProgress',
      assignedTo: 'Customer',
      systemTags: [],
    });
    assert.equal(
      nextRecord(undefined, event(notOurs, '2026-11-28T09:00:00.000Z', 'awaitingCustomer')),
      undefined,
    );
    assert.equal(
      nextRecord(
        undefined,
        event(withExperts('3'), '2026-11-28T09:00:00.000Z', 'handedBackToExperts'),
      ),
      undefined,
    );
  });

  it('prefers recorded periods, keeping derived ones from before recording began', () => {
    const merged = mergeAwaitingPeriods(
      [{ incidentId: '1', start: '2026-11-20T00:00:00.000Z', end: '2026-11-20T05:00:00.000Z' }],
      [
        { incidentId: '1', start: '2026-11-10T00:00:00.000Z', end: '2026-11-10T02:00:00.000Z' },
        { incidentId: '1', start: '2026-11-20T00:10:00.000Z' },
        { incidentId: '2', start: '2026-11-21T00:00:00.000Z' },
      ],
    );
    assert.deepEqual(
      merged.map((p) => `${p.incidentId}@${p.start}`),
      ['1@2026-11-10T00:00:00.000Z', '2@2026-11-21T00:00:00.000Z', '1@2026-11-20T00:00:00.000Z'],
    );
  });

  it('gives the report a hand-back made in Defender, through the outbox and notifications', async () => {
    const { app, adapter, store } = await botFixture();
    let before = '';
    await adapter.send(personal({ type: 'message', text: 'report' })).assertReply((reply) => {
      before = cardText(reply);
    });
    assert.match(before, /No hand-back in this period/);
    const events = [
      event(awaitingIncident('201'), '2026-11-28T09:00:00.000Z', 'awaitingCustomer'),
      event(withExperts('201'), '2026-11-28T13:00:00.000Z', 'handedBackToExperts'),
    ];
    for (const e of events) {
      // The outbox allocates the seq itself.
      const appended: Omit<OutboxEvent, 'seq'> & { seq?: number } = { ...e };
      delete appended.seq;
      await store.batch(await app.outbox.appendOps([appended]));
      await app.features.notifications.service.processPending();
    }
    await adapter.send(personal({ type: 'message', text: 'report' })).assertReply((reply) => {
      assert.match(
        cardText(reply),
        /Median 4 hours, 90th percentile 4 hours over 1 hand-back in this period/,
      );
    });
  });
});
