// The weekly report card in the SOC channel, through the real app (buildApp) and delivery engine:
// due once the tenant's day and hour have passed, sent once per week even across a restart.
import assert from 'node:assert/strict';
import { buildApp } from '../../../src/app/build-app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { sendTimeThisWeek } from '../../../src/features/reports/weekly-reports.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { CONTOSO, TENANT } from '../../bot/bot-fixture.ts';
import type { DeliveryTarget, OutgoingActivity } from '../../../src/delivery/delivery-job.ts';
import type { SendOptions } from '../../../src/delivery/messenger.ts';
import { FakeMessenger } from '../../delivery/fake-messenger.ts';
import { fakeDefender } from '../../fakes/fake-defender.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import { storeHistory } from './stored-history.ts';

const SOC = {
  kind: 'conversation' as const,
  tenantId: TENANT,
  conversationId: '19:soc@thread.tacv2',
};
const weekly: CustomerTenant = {
  ...CONTOSO,
  socChannels: [{ channelId: SOC.conversationId, name: 'SOC' }],
  weeklyReport: { day: 'sunday', hour: 9 },
};

/** Keeps what was sent, to read the card back. */
class CardMessenger extends FakeMessenger {
  readonly sent: { target: DeliveryTarget; activity: OutgoingActivity }[] = [];
  override send(target: DeliveryTarget, activity: OutgoingActivity, options?: SendOptions) {
    this.sent.push({ target, activity });
    return super.send(target, activity, options);
  }
}

async function start(store: MemoryStore, at: string, tenant: CustomerTenant = weekly) {
  const messenger = new CardMessenger();
  const app = await buildApp(loadConfig({}), store, {
    logger: silentLogger,
    defender: fakeDefender([tenant]),
    clock: () => new Date(at),
    messenger,
  });
  return { app, messenger };
}

async function tick(app: Awaited<ReturnType<typeof start>>['app']) {
  const reports = app.features.all.find((f) => f.name === 'reports') as unknown as {
    weekly: { tick(): Promise<number> };
  };
  const sent = await reports.weekly.tick();
  await app.delivery.drain();
  return sent;
}

describe('weekly report in the SOC channel', () => {
  it('computes the send time on the tenant clock', () => {
    // Sunday 29 Nov 2026, 10:00 UTC; Monday 23 Nov 09:00 in Paris is 08:00 UTC.
    const now = Date.parse('2026-11-29T10:00:00Z');
    assert.equal(
      new Date(sendTimeThisWeek(now, 'Europe/Paris', { day: 'monday', hour: 9 })).toISOString(),
      '2026-11-23T08:00:00.000Z',
    );
    assert.equal(
      new Date(sendTimeThisWeek(now, 'UTC', { day: 'sunday', hour: 11 })).toISOString(),
      '2026-11-29T11:00:00.000Z',
    );
  });

  it('is not sent before the day and hour, nor without weeklyReport', async () => {
    const early = await start(new MemoryStore(), '2026-11-29T08:59:00Z');
    assert.equal(await tick(early.app), 0);
    assert.equal(early.messenger.delivered(SOC).length, 0);
    const optedOut: CustomerTenant = { ...weekly };
    delete optedOut.weeklyReport;
    const off = await start(new MemoryStore(), '2026-11-29T10:00:00Z', optedOut);
    assert.equal(await tick(off.app), 0);
    assert.equal(off.messenger.delivered(SOC).length, 0);
  });

  it("sends last week's report once, and not again after a restart", async () => {
    const store = new MemoryStore();
    await storeHistory(store, TENANT);
    const first = await start(store, '2026-11-29T10:00:00Z');
    assert.equal(await tick(first.app), 1);
    assert.equal(await tick(first.app), 0, 'the same instance, later');
    assert.equal(first.messenger.delivered(SOC).length, 1);
    const [sent] = first.messenger.sent;
    assert.equal(first.messenger.sent.length, 1);
    assert.equal(sent?.activity.summary?.startsWith('Managed response report · Contoso'), true);
    const card = JSON.stringify(sent?.activity.attachments?.[0]?.content);
    // Last week: Monday 16 to Monday 23 Nov (UTC); 101 still awaits, whatever the period.
    assert.match(card, /16 Nov/);
    assert.match(card, /The experts investigated no incident in this period/);
    assert.match(card, /1 incident awaits Contoso's action/);
    await first.app.stop();

    const restarted = await start(store, '2026-11-29T10:05:00Z');
    assert.equal(await tick(restarted.app), 0);
    assert.equal(restarted.messenger.delivered(SOC).length, 0);
    await restarted.app.stop();
  });
});
