// "I'm on it" end to end through the real bot (buildApp, TestAdapter → invoke → handler): the
// claim shows on every delivered copy of the Awaiting Customer Action card, holds back the
// reminder and the escalation, and "Release claim" (or a lapse) lets them go out.
import assert from 'node:assert/strict';
import { TestAdapter } from 'botbuilder';
import { buildApp, type App } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import { notificationCard } from '../../cards/incident-notification.ts';
import { readClaimAudit } from '../../src/features/notifications/claim-audit.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { cardActivity } from '../../src/shared/card-activity.ts';
import { contactMessageKey } from '../../src/shared/message-keys.ts';
import type { Store } from '../../src/store/store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../src/watcher/incident-snapshots.ts';
import { incident as baseIncident } from '../domain/builders.ts';
import { fakeDefender } from '../fakes/fake-defender.ts';
import { MemoryStore } from '../fakes/memory-store.ts';
import { RecordingMessenger } from '../features/managed-response/harness.ts';
import { personal, TENANT, USER_AAD } from './bot-fixture.ts';

const MEGAN = {
  id: '29:megan',
  name: 'Megan Bowen',
  aadObjectId: 'bb000000-0000-4000-8000-000000000011',
};
const ISAIAH = {
  id: '29:isaiah',
  name: 'Isaiah Langer',
  aadObjectId: 'cc000000-0000-4000-8000-000000000012',
};
const ADELE = 'dd000000-0000-4000-8000-000000000013';
const SINCE = '2026-11-29T09:00:00.000Z';
const CLAIMED_AT = '2026-11-29T10:00:00Z';
const HOUR = 3_600_000;
const hoursAfterSince = (h: number) => new Date(Date.parse(SINCE) + h * HOUR);

const contoso: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [USER_AAD, ISAIAH.aadObjectId], readers: [MEGAN.aadObjectId] },
  contacts: {
    primary: [
      { userId: USER_AAD, name: 'Alex Wilber' },
      { userId: MEGAN.aadObjectId, name: 'Megan Bowen' },
    ],
    secondary: [{ userId: ISAIAH.aadObjectId, name: 'Isaiah Langer' }, { userId: ADELE }],
  },
  admins: [],
  socChannels: [],
};
const incident = baseIncident({
  tenantId: TENANT,
  status: 'awaitingAction',
  assignedTo: 'Customer',
  lastUpdatedAt: SINCE,
});

async function start(
  env: Record<string, string> = {},
  store: Store = new MemoryStore(),
  messenger = new RecordingMessenger(), // Teams keeps the messages across a restart
) {
  const app: App = await buildApp(loadConfig(env), store, {
    logger: silentLogger,
    defender: fakeDefender([contoso]),
    clock: () => new Date(CLAIMED_AT),
    messenger,
  });
  await store.put(SNAPSHOTS_COLLECTION, snapshotKey(TENANT, incident.id), incident);
  const adapter = new TestAdapter(async (context) => app.bot.run(context));
  app.delivery.start();
  const click = async (verb: string, from?: typeof MEGAN) => {
    let card = '';
    await adapter
      .send(
        personal({
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb, data: { incidentId: incident.id } } },
          ...(from ? { from } : {}),
        }),
      )
      .assertReply((reply) => {
        card = JSON.stringify((reply.value as { body: { value: unknown } }).body.value);
      });
    await app.delivery.drain();
    return card;
  };
  /** The contact's copy of the card in their 1:1 chat, as it is now. */
  const copyOf = (userId: string) =>
    messenger.messages
      .filter((m) => m.target.kind === 'personal' && m.target.userId === userId)
      .map((m) => JSON.stringify(m.activity.attachments))
      .at(-1);
  const sentTo = (userId: string) =>
    messenger.messages.filter((m) => m.target.kind === 'personal' && m.target.userId === userId)
      .length;
  return { app, store, messenger, click, copyOf, sentTo, stop: () => app.delivery.stop() };
}

/** The first notification, as the outbox planning sends it, to the primary contacts. */
async function notifyPrimaryContacts(app: App) {
  await app.delivery.enqueue(
    contoso.contacts.primary.map((contact) => {
      const key = contactMessageKey(TENANT, incident.id, contact.userId);
      const card = notificationCard({
        incident,
        organizationName: 'Contoso',
        response: undefined,
        awaitingCount: 1,
      });
      return {
        id: `first:${contact.userId}`,
        orderingKey: key,
        target: { kind: 'personal' as const, tenantId: TENANT, userId: contact.userId },
        operation: { kind: 'send' as const, activity: cardActivity(card, 'Awaiting your action') },
        messageKey: key,
        createdAt: SINCE,
      };
    }),
  );
  await app.delivery.drain();
}

describe("I'm on it: claiming an incident awaiting the customer (real bot)", () => {
  it('shows the claim on every delivered copy, pauses reminder and escalation, and release resumes them', async () => {
    const { app, store, click, copyOf, sentTo, stop } = await start({
      CLAIM_LAPSE_MINUTES: '2880',
    });
    try {
      await notifyPrimaryContacts(app);
      const answer = await click('claimIncident');
      assert.match(answer, /You are on it\. The other contacts' reminders are paused/);
      assert.match(answer, /"verb":"releaseClaim"/);
      assert.doesNotMatch(answer, /"verb":"claimIncident"/);
      assert.match(
        copyOf(MEGAN.aadObjectId) ?? '',
        /🙋 Alex Wilber is on it\*\* since \{\{DATE\(2026-11-29T10:00:00Z/,
      );
      assert.doesNotMatch(copyOf(MEGAN.aadObjectId) ?? '', /releaseClaim|claimIncident/);
      assert.equal(sentTo(ADELE), 0, 'no card for a contact who never got one');

      const paused = await app.features.notifications.reminders.checkOnce(hoursAfterSince(25));
      assert.deepEqual([paused.reminders, paused.escalations], [0, 0]);
      await app.delivery.drain();
      assert.equal(sentTo(ISAIAH.aadObjectId), 0, 'escalation held back');

      await click('releaseClaim');
      assert.match(
        copyOf(MEGAN.aadObjectId) ?? '',
        /Claiming holds back the other contacts' reminders/,
      );
      const resumed = await app.features.notifications.reminders.checkOnce(hoursAfterSince(25));
      assert.deepEqual([resumed.reminders, resumed.escalations], [1, 1]);
      await app.delivery.drain();
      assert.equal(sentTo(ISAIAH.aadObjectId), 1, 'escalated once released');
      assert.match(copyOf(ISAIAH.aadObjectId) ?? '', /Escalation: still awaiting action/);
      assert.match(copyOf(ISAIAH.aadObjectId) ?? '', /"verb":"claimIncident"/);

      const trail = (await readClaimAudit(store, TENANT)).map((r) => [r.action, r.actor.userId]);
      assert.deepEqual(trail.sort(), [
        ['claimed', USER_AAD],
        ['released', USER_AAD],
      ]);
    } finally {
      await stop();
    }
  });

  it('refuses a Security Reader and a second claimer, audited; only the claimer releases', async () => {
    const { store, click, stop } = await start();
    try {
      assert.match(
        await click('claimIncident', MEGAN),
        /Refused: claiming holds back .* Security Operator role/,
      );
      await click('claimIncident');
      assert.match(await click('claimIncident', ISAIAH), /Alex Wilber is already on it/);
      assert.match(
        await click('releaseClaim', ISAIAH),
        /Refused: only Alex Wilber, who is on it, can release it/,
      );
      const refused = (await readClaimAudit(store, TENANT)).filter((r) => r.action === 'refused');
      assert.deepEqual(
        refused.map((r) => r.actor.userId).sort(),
        [MEGAN.aadObjectId, ISAIAH.aadObjectId, ISAIAH.aadObjectId].sort(),
      );
    } finally {
      await stop();
    }
  });

  it('keeps the claim across a restart, and lets it lapse when the claimer does nothing', async () => {
    const store = new MemoryStore();
    const first = await start({}, store);
    await notifyPrimaryContacts(first.app);
    await first.click('claimIncident');
    await first.stop();

    const second = await start({}, store, first.messenger); // lapse: the reminder time, 4 h
    try {
      const held = await second.app.features.notifications.reminders.checkOnce(
        hoursAfterSince(4.5),
      );
      assert.deepEqual([held.reminders, held.lapses], [0, 0], 'claimed 3.5 h ago: still held');
      const lapsed = await second.app.features.notifications.reminders.checkOnce(
        hoursAfterSince(5.5),
      );
      assert.deepEqual([lapsed.reminders, lapsed.lapses], [1, 1]);
      await second.app.delivery.drain();
      const trail = await readClaimAudit(store, TENANT);
      assert.equal(trail.find((r) => r.action === 'lapsed')?.claimer?.userId, USER_AAD);
      assert.match(second.copyOf(MEGAN.aadObjectId) ?? '', /Reminder: still awaiting your action/);
      assert.doesNotMatch(second.copyOf(MEGAN.aadObjectId) ?? '', /is on it/);
    } finally {
      await second.stop();
    }
  });

  it('with CLAIM_PAUSES_REMINDERS=false, reminds anyway and the reminder shows who is on it', async () => {
    const { app, click, copyOf, stop } = await start({
      CLAIM_PAUSES_REMINDERS: 'false',
      CLAIM_LAPSE_MINUTES: '2880',
    });
    try {
      await notifyPrimaryContacts(app);
      await click('claimIncident');
      const run = await app.features.notifications.reminders.checkOnce(hoursAfterSince(5));
      assert.equal(run.reminders, 1);
      await app.delivery.drain();
      const megan = copyOf(MEGAN.aadObjectId) ?? '';
      assert.match(megan, /Reminder: still awaiting your action/);
      assert.match(megan, /Alex Wilber is on it/);
      assert.match(copyOf(USER_AAD) ?? '', /You are on it.*releaseClaim/);
    } finally {
      await stop();
    }
  });
});
