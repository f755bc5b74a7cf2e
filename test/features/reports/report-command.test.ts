// `report` through the real bot (buildApp, TestAdapter): the card comes from what is stored.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import {
  botFixture,
  cardText,
  channel,
  CONTOSO,
  personal,
  TENANT,
  USER_AAD,
} from '../../bot/bot-fixture.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { storedIncident, storeHistory } from './stored-history.ts';

const OPERATOR = 'dd000000-0000-4000-8000-000000000013';
const contoso: CustomerTenant = {
  ...CONTOSO,
  roles: { operators: [OPERATOR], readers: [USER_AAD] },
};

async function setup(tenant: CustomerTenant = contoso) {
  const fixture = await botFixture([], { tenants: [tenant] });
  await storeHistory(fixture.store, TENANT);
  return fixture;
}

function text(activity: Partial<Activity>): string {
  return activity.text ?? '';
}

describe('report command', () => {
  it('shows the last 7 days from the stored history, in personal chat', async () => {
    const { adapter } = await setup();
    await adapter.send(personal({ type: 'message', text: 'report' })).assertReply((reply) => {
      const card = cardText(reply);
      assert.match(card, /Managed response report · Contoso/);
      assert.match(card, /The experts investigated 2 incidents/);
      assert.match(card, /1 incident awaits Contoso's action, by time waited: [^"]*1 to 3 days: 1/);
      assert.match(card, /Median 6 hours, 90th percentile 6 hours over 1 hand-back in this period/);
      assert.match(card, /Incident title 101/);
      assert.match(card, /Reminders sent: 1 \(to 2 people\)\. Escalations sent: 0/);
      assert.match(reply.summary ?? '', /^Managed response report · Contoso · /);
    });
  });

  it('takes a period: 30d counts the incident closed 19 days ago too', async () => {
    const { adapter } = await setup();
    await adapter.send(personal({ type: 'message', text: 'report 30d' })).assertReply((reply) => {
      assert.match(cardText(reply), /The experts investigated 3 incidents/);
    });
    await adapter.send(personal({ type: 'message', text: 'report 7d' })).assertReply((reply) => {
      assert.match(cardText(reply), /The experts investigated 2 incidents/);
    });
  });

  it('answers a Security Operator in the SOC channel the same way', async () => {
    const { adapter } = await setup();
    const from = { id: '29:olga', name: 'Olga Operator', aadObjectId: OPERATOR };
    await adapter
      .send(channel({ type: 'message', text: '<at>Managed Response</at> report', from }))
      .assertReply((reply) => {
        assert.match(cardText(reply), /The experts investigated 2 incidents/);
      });
  });

  it("counts calendar periods on the tenant's clock (timeZone in the tenants file)", async () => {
    // 27 Nov 20:00 UTC is 28 Nov 09:00 in Auckland: yesterday there (it is 29 Nov 23:00), and
    // the day before yesterday in UTC.
    const late = storedIncident(TENANT, '104', {
      createdAt: '2026-11-27T20:00:00.000Z',
      lastUpdatedAt: '2026-11-27T21:00:00.000Z',
    });
    const yesterday = personal({ type: 'message', text: 'report yesterday' });
    const utc = await setup();
    await utc.store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT, late.id), late);
    await utc.adapter.send(yesterday).assertReply((reply) => {
      const card = cardText(reply);
      assert.match(card, /Saturday, 28 November 2026 · times in UTC/);
      assert.match(card, /The experts investigated 1 incident:/);
      assert.equal(card.includes('104'), false);
    });
    const auckland = await setup({ ...contoso, timeZone: 'Pacific/Auckland' });
    await auckland.store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT, late.id), late);
    await auckland.adapter.send(yesterday).assertReply((reply) => {
      const card = cardText(reply);
      assert.match(card, /Saturday, 28 November 2026 · times in Pacific\/Auckland/);
      assert.match(card, /The experts investigated 2 incidents/);
    });
  });

  it('explains the periods it understands when given another', async () => {
    const { adapter } = await setup();
    await adapter
      .send(personal({ type: 'message', text: 'report fortnight' }))
      .assertReply((reply) => {
        assert.equal(reply.attachments, undefined);
        assert.match(text(reply), /did not understand the period "fortnight"/);
        assert.match(text(reply), /report 30d/);
      });
    await adapter.send(personal({ type: 'message', text: 'report 999d' })).assertReply((reply) => {
      assert.match(text(reply), /1 to 366 days/);
    });
  });

  it('shows nothing to a tenant the service does not protect', async () => {
    const { adapter } = await setup();
    const stranger = personal({
      type: 'message',
      text: 'report',
      channelData: { tenant: { id: '99999999-9999-4999-8999-999999999999' } },
    });
    await adapter.send(stranger).assertReply((reply) => {
      assert.equal(reply.attachments, undefined);
      assert.match(text(reply), /not onboarded/);
    });
  });
});
