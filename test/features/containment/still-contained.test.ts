// Still contained (issue 11 item 5): after the period (24 h here, the default) the incident's
// primary contacts and SOC channel get "prod-server-01 has been isolated for 24 h" with Release
// from isolation and Keep isolated; once per period across a restart; Keep re-arms it; a release
// in the Defender portal, or through our undo, stops it. The app is the one buildApp assembles.
import assert from 'node:assert/strict';
import { CONTAINMENT_REMINDERS } from '../../../src/features/containment/index.ts';
import type { ContainmentReminder } from '../../../src/domain/containment-reminder.ts';
import type { CardActionContext } from '../../../src/app/feature.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { executeButtons, visibleTexts } from '../../cards/card-nodes.ts';
import { caller, isolate, resetPassword } from '../managed-response/fixtures.ts';
import { cardOf, publish } from '../managed-response/card-helpers.ts';
import {
  contoso,
  harness,
  OPERATOR,
  OTHER_TENANT,
  READER,
  SOC_CHANNEL,
  TENANT,
  type Harness,
} from '../managed-response/harness.ts';
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import { MachineActionsClient } from '../../../src/defender/machine-actions-client.ts';
import { FakeFetch, spentGate, stopsWithin, testHttpClient } from '../../defender/fakes.ts';

const INCIDENT = '2972403';
const HOUR = 3_600_000;
const ids = { incidentId: INCIDENT, actionId: 'act-isolate' };

/** The still-contained cards posted so far (latest content), with their targets. */
function reminders(h: Harness) {
  return h.messenger.messages
    .filter((m) => JSON.stringify(m.activity).includes('Still contained'))
    .map((m) => ({
      to: m.target.kind === 'conversation' ? m.target.conversationId : m.target.userId,
      card: m.activity.attachments?.[0]?.content as AdaptiveCard,
      versions: m.versions,
    }));
}

async function isolated(h: Harness) {
  await h.feature.cards.act('runAction', caller(), ids);
  await h.settle();
}

async function tick(h: Harness) {
  const outcome = await h.app.features.containment.tick();
  await h.delivery.drain();
  return outcome;
}

function keep(h: Harness, from: Partial<CardActionContext['from']> = {}, data: unknown = ids) {
  return click(h, 'keepContained', from, data);
}

function click(
  h: Harness,
  verb: 'keepContained' | 'requestRelease' | 'confirmRelease' | 'cancelRelease',
  from: Partial<CardActionContext['from']> = {},
  data: unknown = ids,
) {
  const ctx: CardActionContext = {
    verb,
    data,
    from: {
      tenantId: TENANT,
      userId: OPERATOR,
      userName: 'Alex Wilber',
      conversationId: `chat:${OPERATOR}`,
      kind: 'personal',
      ...from,
    },
    message: { id: '', text: '', attachments: [], mentions: [] },
    reply: { text: async () => undefined, card: async () => undefined },
    lookupMember: async () => undefined,
    logger: silentLogger,
  };
  return h.app.features.containment.cardActions[verb](ctx);
}

async function record(h: Harness): Promise<ContainmentReminder | undefined> {
  const stored = await h.store.get<ContainmentReminder>(
    CONTAINMENT_REMINDERS,
    `${TENANT}:${INCIDENT}:act-isolate`,
  );
  return stored?.value;
}

describe('still contained: the reminder that a device is still isolated', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await publish(h, [isolate, resetPassword]);
  });

  it('asks the contacts and the SOC channel after 24 h, once per period', async () => {
    await isolated(h);
    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 });
    h.advance(23 * HOUR);
    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 });
    assert.equal(reminders(h).length, 0);

    h.advance(1 * HOUR);
    assert.deepEqual(await tick(h), { sent: 1, stopped: 0 });
    const sent = reminders(h);
    assert.deepEqual(sent.map((r) => r.to).sort(), [OPERATOR, SOC_CHANNEL].sort());
    const text = visibleTexts(sent[0]!.card).join('\n');
    assert.match(text, /prod-server-01 has been isolated for 24 h/);
    assert.match(text, /Isolated by Alex Wilber since/);
    assert.match(text, /Incident 2972403 · Ransomware on prod-server-01/);
    const verbs = executeButtons(sent[0]!.card).map((b) => b['verb']);
    assert.deepEqual(verbs, ['requestRelease', 'keepContained']);

    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 }, 'not again within the period');
    h.advance(24 * HOUR);
    assert.deepEqual(await tick(h), { sent: 1, stopped: 0 }, 'again after the next period');
    assert.equal(reminders(h).length, 4);
    assert.match(visibleTexts(reminders(h).at(-1)!.card).join('\n'), /isolated for 48 h/);
  });

  it('sends a round once across a restart, and the next one a period later', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    assert.equal(reminders(h).length, 2);
    await h.app.stop();

    // A new process on the same store (and the same Defender).
    const again = await harness({ store: h.store });
    for (const [id, state] of h.defender.machineActions.states) {
      again.defender.machineActions.states.set(id, state);
    }
    again.advance(h.now().getTime() - again.now().getTime());
    assert.deepEqual(await tick(again), { sent: 0, stopped: 0 });
    assert.equal(reminders(again).length, 0, 'nothing sent again after the restart');
    again.advance(24 * HOUR);
    assert.deepEqual(await tick(again), { sent: 1, stopped: 0 });
    assert.equal((await record(again))?.asked, 2);
  });

  it('Keep isolated re-arms it one period after the click and edits every copy', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    h.advance(2 * HOUR);
    const answer = cardOf(await keep(h));
    assert.match(visibleTexts(answer).join('\n'), /Kept isolated\. You can still release it/);
    await h.delivery.drain();
    for (const copy of reminders(h)) {
      assert.equal(copy.versions, 2, `${copy.to} was edited`);
      assert.match(visibleTexts(copy.card).join('\n'), /Kept isolated by Alex Wilber/);
    }
    h.advance(23 * HOUR + 59 * 60_000); // 23 h 59 min after Keep (49 h 59 after the isolation)
    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 });
    h.advance(60_000);
    assert.deepEqual(await tick(h), { sent: 1, stopped: 0 });
    const audit = await h.feature.audit.list({ incidentId: INCIDENT });
    assert.ok(audit.some((e) => e.operation === 'keepContained' && e.result === 'kept'));
  });

  it('after a Keep, every copy says who kept it, when, and when it asks again, without Keep', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    h.advance(2 * HOUR);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const [keptAt, next] = [stamp(h.now().getTime()), stamp(h.now().getTime() + 24 * HOUR)];
    const line =
      `Kept isolated by Alex Wilber at {{DATE(${keptAt}, SHORT)}} {{TIME(${keptAt})}}; ` +
      `asked again {{DATE(${next}, SHORT)}} {{TIME(${next})}}.`;
    const answer = cardOf(await keep(h));
    await h.delivery.drain();
    const cards = [answer, ...reminders(h).map((r) => r.card)];
    assert.equal(cards.length, 3, 'the answer, the contact and the SOC channel');
    for (const card of cards) {
      const text = visibleTexts(card).join('\n');
      assert.ok(text.includes(line), text);
      assert.doesNotMatch(text, /unless it is released/, 'the time is said once');
      assert.deepEqual(
        executeButtons(card).map((b) => b['verb']),
        ['requestRelease'],
        'Release stays, Keep is not offered again this round',
      );
    }
  });

  it('refuses a second Keep in the same round (a stale copy) and keeps the time of the first', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    h.advance(HOUR);
    await keep(h);
    const due = (await record(h))?.dueAt;
    h.advance(HOUR);
    const again = cardOf(await keep(h, { userName: 'Adele Vance' }));
    assert.match(visibleTexts(again).join('\n'), /Already kept isolated by Alex Wilber/);
    assert.deepEqual(
      executeButtons(again).map((b) => b['verb']),
      ['requestRelease'],
    );
    assert.equal((await record(h))?.dueAt, due, 'the next round is not pushed out');
    assert.equal((await record(h))?.keptBy?.name, 'Alex Wilber');
    const audit = (await h.feature.audit.list({ incidentId: INCIDENT })).filter(
      (e) => e.operation === 'keepContained',
    );
    assert.deepEqual(
      audit.map((e) => e.code ?? e.result),
      ['kept', 'ALREADY_KEPT'],
    );
  });

  it('offers Keep again in the next round, saying who kept it last', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    await keep(h);
    h.advance(24 * HOUR);
    assert.deepEqual(await tick(h), { sent: 1, stopped: 0 });
    const latest = reminders(h).at(-1)!.card;
    const text = visibleTexts(latest).join('\n');
    assert.match(text, /isolated for 48 h/);
    assert.match(text, /Last kept isolated by Alex Wilber at/);
    assert.match(text, /Asked again .* unless it is released/);
    assert.deepEqual(
      executeButtons(latest).map((b) => b['verb']),
      ['requestRelease', 'keepContained'],
    );
    const second = cardOf(await keep(h));
    assert.match(visibleTexts(second).join('\n'), /Kept isolated\. You can still release it/);
  });

  it('stops when the device is released in the Defender portal (checked before sending)', async () => {
    await isolated(h);
    const portal = h.defender.machineActions.addForeign('releaseFromIsolation', 'soc@contoso.com');
    const { states } = h.defender.machineActions;
    states.set(portal.id, {
      ...states.get(portal.id)!,
      status: 'completed',
      updatedAt: new Date(h.now().getTime() + HOUR).toISOString(),
    });
    h.advance(24 * HOUR);
    assert.deepEqual(await tick(h), { sent: 0, stopped: 1 });
    assert.equal(reminders(h).length, 0);
    assert.equal((await record(h))?.stopped?.reason, 'releasedInDefender');
    h.advance(48 * HOUR);
    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 }, 'never again');
  });

  it('edits the cards already sent when the portal release is found', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    const portal = h.defender.machineActions.addForeign('releaseFromIsolation', 'soc@contoso.com');
    const { states } = h.defender.machineActions;
    states.set(portal.id, {
      ...states.get(portal.id)!,
      status: 'completed',
      updatedAt: new Date(h.now().getTime()).toISOString(),
    });
    h.advance(24 * HOUR);
    assert.deepEqual(await tick(h), { sent: 0, stopped: 1 });
    for (const copy of reminders(h)) {
      assert.match(
        visibleTexts(copy.card).join('\n'),
        /Released from isolation in Microsoft Defender/,
      );
      assert.deepEqual(executeButtons(copy.card), []);
    }
  });

  it('stops when the device is released through our undo', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    await h.feature.cards.undo('confirmUndo', caller(), ids);
    await h.settle();
    h.advance(24 * HOUR);
    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 });
    assert.equal(reminders(h).length, 2, 'only the first round');
    for (const copy of reminders(h)) {
      assert.match(visibleTexts(copy.card).join('\n'), /Released from isolation by Alex Wilber\./);
      assert.deepEqual(executeButtons(copy.card), [], `${copy.to}: no buttons left`);
    }
    assert.equal((await record(h))?.stopped?.reason, 'released');
    const answer = cardOf(await keep(h));
    assert.match(visibleTexts(answer).join('\n'), /prod-server-01 is no longer contained/);
    assert.deepEqual(
      executeButtons(answer).map((b) => b['verb']),
      [],
    );
  });

  it('waits when Defender cannot say, and asks on a later tick', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    const list = h.defender.machineActions.listDeviceActions.bind(h.defender.machineActions);
    h.defender.machineActions.listDeviceActions = async () => {
      throw new Error('503');
    };
    assert.deepEqual(await tick(h), { sent: 0, stopped: 0 });
    h.defender.machineActions.listDeviceActions = list;
    assert.deepEqual(await tick(h), { sent: 1, stopped: 0 });
  });

  it('stops at once while a round waits for the Defender rate limit; the round stays due', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    const gate = await spentGate(); // the tenant's MDE quota is spent for a minute
    const fetch = new FakeFetch(); // any request reaching it fails the check
    const mde = new MachineActionsClient(testHttpClient(fetch, { api: 'mde', gate }), TENANT);
    const list = h.defender.machineActions.listDeviceActions.bind(h.defender.machineActions);
    h.defender.machineActions.listDeviceActions = (deviceId, signal) =>
      mde.listDeviceActions(deviceId, signal);
    const containment = h.app.features.containment;

    containment.wake(); // as a tenant gained, or the timer
    while (gate.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // On the old code stop waits for the gate's minute.
    assert.equal(await stopsWithin(() => containment.stop(), 1_000), 'stopped');
    assert.equal(gate.waiting, 0);
    assert.equal(fetch.calls.length, 0, 'nothing was sent to Defender');
    assert.equal(reminders(h).length, 0);
    const left = await record(h);
    assert.equal(left?.asked ?? 0, 0, 'the round is not counted');

    h.defender.machineActions.listDeviceActions = list;
    containment.start(); // the next tick (here, or the tenant's next owner) sends it
    try {
      assert.deepEqual(await tick(h), { sent: 1, stopped: 0 });
    } finally {
      await containment.stop();
    }
    assert.equal((await record(h))?.asked, 1);
  });

  it('refuses Keep isolated from a reader, another tenant and forged ids', async () => {
    await isolated(h);
    h.advance(24 * HOUR);
    await tick(h);
    const reader = cardOf(await keep(h, { userId: READER, userName: 'Megan Bowen' }));
    assert.match(visibleTexts(reader).join('\n'), /Refused: Only Security Operators/);
    const foreign = await keep(h, { tenantId: OTHER_TENANT });
    assert.equal(foreign.kind, 'notice');
    const forged = await keep(h, {}, { incidentId: INCIDENT, actionId: 'act-reset' });
    assert.equal(forged.kind, 'notice');
    const tampered = await keep(h, {}, { incidentId: 42 });
    assert.equal(tampered.kind, 'notice');
    assert.equal((await record(h))?.keptBy, undefined);
    const refusals = (await h.feature.audit.list({})).filter(
      (e) => e.operation === 'keepContained' && e.kind === 'refusal',
    );
    assert.deepEqual(
      refusals.map((e) => e.code),
      ['NOT_PERMITTED', 'NOT_FOUND'],
    );
  });

  it("uses the tenant's own period from the tenants file", async () => {
    h = await harness({ tenant: contoso({ containmentReminderHours: 4 }) });
    await publish(h, [isolate]);
    await isolated(h);
    h.advance(4 * HOUR);
    assert.deepEqual(await tick(h), { sent: 1, stopped: 0 });
    assert.match(visibleTexts(reminders(h)[0]!.card).join('\n'), /isolated for 4 h/);
  });
});
