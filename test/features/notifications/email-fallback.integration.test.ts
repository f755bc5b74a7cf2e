// The email fallback end to end: the delivery engine (fake clock for the wait), Teams through
// ProactiveMessenger over a real CloudAdapter to the fake Bot Connector, proactive install and
// Graph sendMail against the emulator. The jobs are the ones planNotifications makes.
import assert from 'node:assert/strict';
import { DefenderClientFactory } from '../../../src/defender/defender-client-factory.ts';
import { parseTenantsConfig } from '../../../src/defender/tenant-config.ts';
import { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import type { DeliveryJob, DeliveryTarget } from '../../../src/delivery/delivery-job.ts';
import { channelMessenger, MailMessenger } from '../../../src/delivery/mail-messenger.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DIRECTORY,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_TENANT_ID,
} from '../../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../../src/emulator/emulator.ts';
import { emailSettings } from '../../../src/features/notifications/email-fallback.ts';
import { MailNotices } from '../../../src/features/notifications/mail-notices.ts';
import { planNotifications } from '../../../src/features/notifications/plan-notifications.ts';
import { viewRenderer } from '../../../src/features/notifications/render-views.ts';
import { ContactReachStore } from '../../../src/features/notifications/contact-reach-store.ts';
import { ReachRecorder } from '../../../src/features/notifications/reach-recorder.ts';
import { reachReason } from '../../../src/domain/contact-reach.ts';
import {
  ProactiveInstall,
  type TeamsAppInstaller,
} from '../../../src/features/notifications/unreachable-install.ts';
import { IncidentDirectory } from '../../../src/shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../../src/shared/managed-response-repository.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import type { OutboxEvent } from '../../../src/watcher/outbox.ts';
import { sleep } from '../../../src/platform/sleep.ts';
import { install, quietLogger, teamsMessenger } from '../../delivery/teams-harness.ts';
import { startTestEmulator } from '../../emulator/emulator-harness.ts';
import { FakeBotConnector } from '../../fakes/fake-bot-connector.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

const C = DEMO_DIRECTORY.contoso;
const F = DEMO_DIRECTORY.fabrikam;
const ISAIAH = C.contacts.neverOpenedApp;
const PATTI = C.contacts.emailOnly;
const DIEGO = F.contact;
const MINUTE = 60_000;

/**
 * Time the test moves by hand (the email's wait); the engine's own short waits are real and
 * capped, so that a wait never jumps the clock past the email's due time while calls run.
 */
class HandClock {
  ms = Date.parse('2026-03-01T08:00:00.000Z');
  now = (): Date => new Date(this.ms);
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => sleep(Math.min(ms, 20), signal);
}

function contoso(email: CustomerTenant['email'] = {}): CustomerTenant {
  return {
    tenantId: DEMO_TENANT_ID,
    name: 'Contoso',
    expertsAccess: 'reader',
    roles: { operators: [], readers: [] },
    contacts: {
      primary: [
        { userId: ISAIAH.userId, name: ISAIAH.name },
        // The address comes from the tenants file for her, from Graph for the others.
        { userId: PATTI.userId, name: PATTI.name, mail: PATTI.mail },
      ],
      secondary: [],
    },
    admins: [],
    socChannels: [],
    proactiveInstall: true,
    email: { from: C.serviceMailbox.mail, ...email },
  };
}

function fabrikam(): CustomerTenant {
  return {
    ...contoso(),
    tenantId: FABRIKAM_TENANT_ID,
    name: 'Fabrikam',
    contacts: { primary: [{ userId: DIEGO.userId, name: DIEGO.name }], secondary: [] },
    email: { from: F.serviceMailbox.mail },
  };
}

function incident(tenantId: string): Incident {
  return {
    id: '2972410',
    tenantId,
    title: 'Credential theft <on> "finance-laptop-07"',
    severity: 'high',
    status: 'active',
    assignedTo: 'Customer',
    classification: 'truePositive',
    determination: 'malware',
    customTags: [],
    systemTags: ['Defender Experts'],
    webUrl: `https://security.microsoft.com/incidents/2972410?tid=${tenantId}`,
    createdAt: '2026-03-01T07:00:00Z',
    lastUpdatedAt: '2026-03-01T07:55:00Z',
    comments: [],
  };
}

function awaitingEvent(inc: Incident): OutboxEvent {
  return {
    id: `${inc.tenantId}:${inc.id}:${inc.lastUpdatedAt}:awaitingCustomer`,
    seq: 1,
    tenantId: inc.tenantId,
    incidentId: inc.id,
    change: { type: 'awaitingCustomer' },
    incident: inc,
    detectedAt: '2026-03-01T07:55:05Z',
  };
}

describe('email fallback: engine + Graph sendMail (emulator) + Bot Connector (fake)', function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let connector: FakeBotConnector;
  let store: MemoryStore;
  let factory: DefenderClientFactory;
  let clock: HandClock;
  let unreachable: { target: DeliveryTarget; code: string | undefined }[];

  beforeEach(async () => {
    emulator = await startTestEmulator({ port: 0 });
    connector = await FakeBotConnector.start();
    store = new MemoryStore();
    clock = new HandClock();
    unreachable = [];
    const entry = (tenantId: string, clientId: string, secretEnv: string) => ({
      tenantId,
      name: tenantId,
      defender: { credential: { kind: 'clientSecret', clientId, secretEnv } },
    });
    factory = new DefenderClientFactory(
      parseTenantsConfig(
        [
          entry(DEMO_TENANT_ID, DEMO_CLIENT_ID, 'C'),
          entry(FABRIKAM_TENANT_ID, FABRIKAM_CLIENT_ID, 'F'),
        ],
        { source: 'tenants.json' },
      ),
      {
        graphBaseUrl: emulator.graphBaseUrl,
        mdeBaseUrl: emulator.mdeBaseUrl,
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
        env: { C: DEMO_CLIENT_SECRET, F: FABRIKAM_CLIENT_SECRET },
        retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 20, requestTimeoutMs: 3_000 },
      },
    );
  });
  afterEach(async () => {
    await connector.close();
    await emulator.close();
  });

  /** Graph's install, plus what Teams does on it: the Bot Connector then knows the 1:1 chat. */
  function installerFor(tenantId: string): TeamsAppInstaller {
    const graph = factory.forTenant(tenantId).teamsApps;
    return {
      async ensureInstalled(userId) {
        const outcome = await graph.ensureInstalled(userId);
        if ('chatId' in outcome && !connector.messages(outcome.chatId).length) {
          connector.addConversation({
            id: outcome.chatId,
            tenantId,
            kind: 'personal',
            memberIds: [userId],
          });
        }
        return outcome;
      },
    };
  }

  /** The app as buildApp wires it, around one engine (a new one = a restart on the same store). */
  async function app(tenants: CustomerTenant[]) {
    const { messenger, registry } = teamsMessenger(store, quietLogger);
    for (const t of tenants) {
      await install(connector, registry, { tenantId: t.tenantId, kind: 'channel', memberIds: [] });
    }
    const proactive = new ProactiveInstall({
      store,
      conversations: registry,
      installerFor,
      botAppId: '',
      now: () => new Date(),
      logger: quietLogger,
    });
    const tenantOf = (id: string) => tenants.find((t) => t.tenantId === id);
    const defaults = { from: '', fallbackAfterMinutes: 10 };
    const incidents = new IncidentDirectory(store);
    const responses = new ManagedResponseRepository(store);
    const reach = new ContactReachStore(store);
    const render = viewRenderer({
      email: {
        tenantOf,
        settingsOf: (t) => emailSettings(t, defaults),
        incidents,
        responses,
        delivery: { findDelivery: (key) => engine.findDelivery(key) },
        awaitingCount: () => Promise.resolve(1),
        directoryFor: (tenantId) => factory.forTenant(tenantId).mail,
        teamsReason: async (t, i, u) => {
          const known = await reach.get(t, i, u);
          return known?.notReached && reachReason(known.notReached.code);
        },
      },
      soc: { tenantOf, incidents, responses, reach },
      contact: { tenantOf, incidents, responses, awaitingCount: () => Promise.resolve(1) },
    });
    const recorder = new ReachRecorder({
      reach,
      delivery: { enqueue: (jobs) => engine.enqueue(jobs) },
      tenantOf,
      incidents,
      refusalOf: (job) => proactive.refusalOf(job.target),
      now: clock.now,
    });
    const engine: DeliveryEngine = new DeliveryEngine({
      store,
      messenger: channelMessenger(
        messenger,
        new MailMessenger((tenantId) => factory.forTenant(tenantId).mail),
      ),
      logger: quietLogger,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      render,
      onDelivered: (job, record, info) => recorder.delivered(job, record, info),
      onParked: (job, error) => recorder.parked(job, error),
      tryReach: (target) => proactive.reach(tenantOf(target.tenantId), target),
      onUnreachable: (target, _job, error) => {
        unreachable.push({ target, code: proactive.takeRefusal(target)?.code ?? error.code });
      },
    });
    return { engine, registry, reach };
  }

  /** What the notification service plans for the incident's Awaiting Customer Action event. */
  async function plan(tenant: CustomerTenant): Promise<DeliveryJob[]> {
    const inc = incident(tenant.tenantId);
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(inc.tenantId, inc.id), inc);
    const settings = emailSettings(tenant, { from: '', fallbackAfterMinutes: 10 });
    return planNotifications(awaitingEvent(inc), {
      tenant,
      current: inc,
      response: undefined,
      awaitingCount: 1,
      contactHasCard: () => Promise.resolve(false),
      now: clock.now().toISOString(),
      ...(settings ? { email: settings } : {}),
    });
  }

  const mails = (tenantId: string) => emulator.control.listSentMail(tenantId);

  it('emails a contact Teams cannot reach once the wait is over; one reached by install gets none', async () => {
    const tenant = contoso();
    const { engine } = await app([tenant]);
    await engine.enqueue(await plan(tenant));
    await engine.drain();
    assert.equal(mails(DEMO_TENANT_ID).length, 0, 'nothing before the wait');
    assert.deepEqual(
      unreachable.map((u) => u.code),
      ['AppBlockedByPolicy'],
    );

    clock.ms += 9 * MINUTE;
    await engine.drain();
    assert.equal(mails(DEMO_TENANT_ID).length, 0, 'still nothing after 9 minutes');

    clock.ms += 1 * MINUTE;
    await engine.drain();
    const sent = mails(DEMO_TENANT_ID);
    assert.equal(sent.length, 1, 'only Patti: Isaiah was reached in Teams after the install');
    const [mail] = sent;
    assert.equal(mail!.format, 'mime');
    assert.equal(mail!.sender.mail, C.serviceMailbox.mail);
    assert.deepEqual(mail!.toRecipients, [PATTI.mail]);
    assert.match(mail!.subject, /Awaiting your action: Credential theft <on> "finance-laptop-07"/);
    assert.match(mail!.textBody ?? '', /Severity: High/);
    assert.match(mail!.textBody ?? '', /https:\/\/security\.microsoft\.com\/incidents\/2972410/);
    assert.match(mail!.textBody ?? '', /could not reach you in Microsoft Teams/);
    assert.match(mail!.htmlBody ?? '', /<table role="presentation"/);
    assert.match(mail!.htmlBody ?? '', /Credential theft &lt;on&gt; &quot;finance-laptop-07&quot;/);
    assert.doesNotMatch(mail!.htmlBody ?? '', /<script|<on>/i);

    const records = await engine.listDeliveries({
      jobIdPrefix: awaitingEvent(incident(DEMO_TENANT_ID)).id,
    });
    const isaiahEmail = records.find(
      (r) => r.target.kind === 'email' && r.target.userId === ISAIAH.userId,
    );
    assert.equal(isaiahEmail?.skipped, 'reached in Teams');
    const pattiEmail = records.find(
      (r) => r.target.kind === 'email' && r.target.userId === PATTI.userId,
    );
    assert.equal(pattiEmail?.conversationId, `mailto:${PATTI.mail}`);
    assert.match(pattiEmail?.activityId ?? '', /^<[0-9a-f]{32}@managed-response>$/);
    assert.match(mail!.rawMime ?? '', new RegExp(`Message-ID: ${pattiEmail.activityId}`));
  });

  it('nothing is sent twice across a restart: replanned, reloaded or still waiting', async () => {
    const tenant = contoso();
    const jobs = await plan(tenant);
    const first = await app([tenant]);
    await first.engine.enqueue(jobs);
    await first.engine.drain();
    // A restart while the email waits: the new engine takes it from the store.
    const second = await app([tenant]);
    clock.ms += 10 * MINUTE;
    await second.engine.drain();
    assert.equal(mails(DEMO_TENANT_ID).length, 1);
    // Another restart; the same event planned again (a replayed outbox event).
    const third = await app([tenant]);
    await third.engine.enqueue(jobs);
    clock.ms += 60 * MINUTE;
    await third.engine.drain();
    assert.equal(mails(DEMO_TENANT_ID).length, 1, 'one email in all');
  });

  it('403 install permission (Fabrikam): the admins are told, and the email fallback reaches the contact', async () => {
    const tenant = fabrikam();
    const { engine } = await app([tenant]);
    await engine.enqueue(await plan(tenant));
    await engine.drain();
    assert.deepEqual(
      unreachable.map((u) => u.code),
      ['InstallPermissionMissing'],
    );
    clock.ms += 10 * MINUTE;
    await engine.drain();
    const sent = mails(FABRIKAM_TENANT_ID);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]!.toRecipients, [DIEGO.mail], 'address looked up in Graph');
    assert.equal(sent[0]!.sender.mail, F.serviceMailbox.mail);
  });

  it('Mail.Send not granted: the email is parked, the admins told once; sent once it is granted', async () => {
    emulator.control.revokeRole(DEMO_TENANT_ID, 'Mail.Send');
    const tenant = contoso();
    const { engine } = await app([tenant]);
    await engine.enqueue(await plan(tenant));
    await engine.drain();
    clock.ms += 10 * MINUTE;
    await engine.drain();
    assert.equal(mails(DEMO_TENANT_ID).length, 0);
    const mailRefusals = unreachable.filter((u) => u.target.kind === 'email');
    assert.deepEqual(
      mailRefusals.map((u) => u.code),
      ['MailPermissionMissing'],
    );
    const parked = await engine.listJobs({ status: 'parked' });
    assert.ok(parked.some((j) => j.job.target.kind === 'email'));

    emulator.control.grantRole(DEMO_TENANT_ID, 'Mail.Send');
    await engine.markReachable({ kind: 'email', tenantId: DEMO_TENANT_ID, userId: PATTI.userId });
    await engine.drain();
    assert.deepEqual(
      mails(DEMO_TENANT_ID).map((m) => m.toRecipients[0]),
      [PATTI.mail],
    );
  });

  it('who was reached: the SOC card lists Teams, Teams after install, and email with why Teams failed', async () => {
    const ALEX = C.installed.alexWilber;
    const SOC = '19:contoso-soc-alerts@thread.tacv2';
    const tenant: CustomerTenant = {
      ...contoso(),
      contacts: {
        primary: [{ userId: ALEX, name: 'Alex Wilber' }, ...contoso().contacts.primary],
        secondary: [],
      },
      socChannels: [{ channelId: SOC, name: 'Incidents' }],
    };
    const { engine, registry, reach } = await app([tenant]);
    // Alex has the app (a 1:1 chat the bot knows); the bot is in the SOC channel.
    await install(connector, registry, {
      tenantId: DEMO_TENANT_ID,
      kind: 'personal',
      memberIds: [ALEX],
    });
    connector.addConversation({
      id: SOC,
      tenantId: DEMO_TENANT_ID,
      kind: 'channel',
      memberIds: [],
    });
    await registry.record({
      conversationId: SOC,
      kind: 'channel',
      tenantId: DEMO_TENANT_ID,
      reference: connector.referenceFor({
        id: SOC,
        tenantId: DEMO_TENANT_ID,
        kind: 'channel',
        memberIds: [],
      }),
      updatedAt: new Date().toISOString(),
    });
    await engine.enqueue(await plan(tenant));
    await engine.drain();
    clock.ms += 10 * MINUTE;
    await engine.drain();

    const facts = () => {
      const root = connector.messages(SOC).find((m) => !m.threadRootId)!;
      const card = JSON.stringify(root.attachments?.[0]?.content ?? {});
      const sets = [...card.matchAll(/"title":"([^"]+)","value":"([^"]+)"/g)];
      return new Map(sets.map((m) => [m[1], m[2]]));
    };
    const shown = facts();
    assert.equal(shown.get('Alex Wilber'), 'Teams');
    assert.equal(shown.get(ISAIAH.name), 'Teams (app installed for them)');
    assert.equal(shown.get(PATTI.name), 'Email (Teams: app blocked by policy)');
    const records = await reach.list(DEMO_TENANT_ID, '2972410');
    assert.equal(records.length, 3);
    // The email names why Teams did not reach her.
    assert.match(mails(DEMO_TENANT_ID)[0]!.textBody ?? '', /\(app blocked by policy\)/);
  });

  it('a tenant that chose email too: every contact gets the email at once, Teams or not', async () => {
    const tenant = contoso({ mode: 'always' });
    const { engine } = await app([tenant]);
    await engine.enqueue(await plan(tenant));
    await engine.drain();
    assert.deepEqual(
      mails(DEMO_TENANT_ID)
        .map((m) => m.toRecipients[0])
        .sort(),
      [ISAIAH.mail, PATTI.mail].sort(),
    );
    assert.match(
      mails(DEMO_TENANT_ID)[0]!.textBody ?? '',
      /chose to receive incident notifications by email/,
    );
  });
});

describe('the admins notice when the email fallback is refused', () => {
  it('is sent once per tenant and reason, also after a restart', async () => {
    const store = new MemoryStore();
    assert.equal(await new MailNotices(store).first(DEMO_TENANT_ID, 'MailPermissionMissing'), true);
    assert.equal(
      await new MailNotices(store).first(DEMO_TENANT_ID, 'MailPermissionMissing'),
      false,
    );
    assert.equal(await new MailNotices(store).first(DEMO_TENANT_ID, 'MailSenderInvalid'), true);
    assert.equal(
      await new MailNotices(store).first(FABRIKAM_TENANT_ID, 'MailPermissionMissing'),
      true,
    );
  });

  it('names Mail.Send and where to grant it, and the mailbox when it is not usable', async () => {
    const { unreachableNoticeData } = await import('../../../cards/message-unreachable.ts');
    const tenant = contoso();
    const target = { kind: 'email' as const, userId: PATTI.userId };
    const permission = unreachableNoticeData(tenant, target, false, {
      code: 'MailPermissionMissing',
      detail: C.serviceMailbox.mail,
    });
    assert.match(permission.text ?? '', /Patti Fernandez/);
    assert.match(permission.text ?? '', /Mail\.Send/);
    assert.match(permission.text ?? '', /Grant admin consent/);
    const sender = unreachableNoticeData(tenant, target, false, {
      code: 'MailSenderInvalid',
      detail: C.serviceMailbox.mail,
    });
    assert.match(sender.text ?? '', /security-notifications@contoso\.example/);
  });
});
