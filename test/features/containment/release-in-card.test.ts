// Release from isolation on the still-contained card (issue 11 follow-up): the confirmation step
// is in that card ("Release prod-server-01 from isolation? Yes, release / Cancel"), not the whole
// Actions card; Yes starts the managed response's undo (same checks and audit), and every copy
// of the reminder then says who asked for it and how it goes, until the scheduler sees it done.
import assert from 'node:assert/strict';
import type { CardActionContext } from '../../../src/app/feature.ts';
import { isUndo } from '../../../src/domain/undo-action.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import { executeButtons, visibleTexts } from '../../cards/card-nodes.ts';
import { caller, isolate, resetPassword } from '../managed-response/fixtures.ts';
import { action, cardOf, publish, stored } from '../managed-response/card-helpers.ts';
import { harness, OPERATOR, READER, TENANT, type Harness } from '../managed-response/harness.ts';

const INCIDENT = '2972403';
const HOUR = 3_600_000;
const ids = { incidentId: INCIDENT, actionId: 'act-isolate' };
type Verb = 'requestRelease' | 'confirmRelease' | 'cancelRelease';

function click(h: Harness, verb: Verb, from: Partial<CardActionContext['from']> = {}) {
  const ctx: CardActionContext = {
    verb,
    data: ids,
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

function reminders(h: Harness) {
  return h.messenger.messages
    .filter((m) => JSON.stringify(m.activity).includes('Still contained'))
    .map((m) => ({
      card: m.activity.attachments?.[0]?.content as AdaptiveCard,
      versions: m.versions,
    }));
}

const text = (card: AdaptiveCard) => visibleTexts(card).join('\n');
const verbs = (card: AdaptiveCard) => executeButtons(card).map((b) => b['verb']);

describe('still contained: Release from isolation inside the card', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await publish(h, [isolate, resetPassword]);
    await h.feature.cards.act('runAction', caller(), ids);
    await h.settle();
    h.advance(24 * HOUR);
    await h.app.features.containment.tick();
    await h.delivery.drain();
    assert.equal(reminders(h).length, 2);
  });

  it('asks in the still-contained card itself and changes nothing until Yes', async () => {
    const runs = h.defender.machineActions.runs.length;
    const ask = cardOf(await click(h, 'requestRelease'));
    assert.match(text(ask), /Still contained/);
    assert.match(
      text(ask),
      /Release prod-server-01 from isolation\? It gets its network connections back\./,
    );
    assert.doesNotMatch(text(ask), /Pending actions/, 'not the Actions card');
    assert.deepEqual(verbs(ask), ['confirmRelease', 'cancelRelease']);
    assert.ok(executeButtons(ask).some((b) => b['title'] === 'Yes, release'));
    assert.equal((await stored(h)).actions.filter(isUndo).length, 0);
    assert.equal(h.defender.machineActions.runs.length, runs);

    const cancelled = cardOf(await click(h, 'cancelRelease'));
    assert.deepEqual(verbs(cancelled), ['requestRelease', 'keepContained']);
    assert.doesNotMatch(text(cancelled), /from isolation\? It gets/);
  });

  it('Yes, release starts the undo and every copy says who asked and how it goes', async () => {
    h.defender.machineActions.autoFinish = undefined; // Defender is still releasing
    const answer = cardOf(await click(h, 'confirmRelease'));
    const undo = await action(h, 'undo-act-isolate');
    assert.ok(isUndo(undo));
    assert.equal(undo.status, 'inProgress');
    assert.equal(undo.requestedBy?.name, 'Alex Wilber');
    assert.match(text(answer), /Release started/);
    await h.delivery.drain();
    const progress = /Release requested by Alex Wilber at .*: in progress: Defender is releasing/;
    for (const card of [answer, ...reminders(h).map((r) => r.card)]) {
      assert.match(text(card), progress);
      assert.deepEqual(verbs(card), [], 'no Release or Keep while it runs');
      assert.doesNotMatch(text(card), /Asked again/);
    }
    assert.ok(
      reminders(h).every((r) => r.versions === 2),
      'every copy was edited',
    );
    const audit = await h.feature.audit.list({ incidentId: INCIDENT });
    const started = audit.find((e) => e.operation === 'confirmUndo' && e.result === 'started');
    assert.equal(started?.reverses, 'act-isolate', 'audited as the undo it is');

    const run = h.defender.machineActions.runs.at(-1)!;
    assert.equal(run.kind, 'releaseFromIsolation');
    h.defender.machineActions.finish('ma-2', 'completed');
    await h.settle();
    await h.app.features.containment.tick();
    await h.delivery.drain();
    for (const { card } of reminders(h)) {
      assert.match(text(card), /Released from isolation by Alex Wilber\./);
      assert.deepEqual(verbs(card), []);
    }
  });

  it('refuses a reader, in the card and in the undo path, and audits both', async () => {
    const reader = { userId: READER, userName: 'Megan Bowen' };
    const ask = cardOf(await click(h, 'requestRelease', reader));
    assert.match(text(ask), /Refused: Only Security Operators can release a device/);
    const forged = cardOf(await click(h, 'confirmRelease', reader));
    assert.match(text(forged), /Refused/);
    assert.match(text(forged), /Still contained/);
    assert.equal((await stored(h)).actions.filter(isUndo).length, 0);
    const refusals = (await h.feature.audit.list({ incidentId: INCIDENT })).filter(
      (e) => e.kind === 'refusal',
    );
    assert.deepEqual(
      refusals.map((e) => [e.operation, e.code]),
      [
        ['requestRelease', 'NOT_PERMITTED'],
        ['confirmUndo', 'NOT_PERMITTED'],
      ],
    );
  });

  it('shows the release already asked for instead of starting a second one', async () => {
    h.defender.machineActions.autoFinish = undefined;
    await click(h, 'confirmRelease');
    const again = cardOf(await click(h, 'confirmRelease', { userName: 'Adele Vance' }));
    assert.match(text(again), /Release requested by Alex Wilber at .*: in progress/);
    assert.deepEqual(verbs(again), []);
    const ask = cardOf(await click(h, 'requestRelease'));
    assert.match(text(ask), /Release requested by Alex Wilber/, 'no second question');
    assert.deepEqual(verbs(ask), []);
    assert.equal((await stored(h)).actions.filter(isUndo).length, 1);
  });

  it('says a failed release on the next round and still offers Keep', async () => {
    h.defender.machineActions.autoFinish = { status: 'failed', failureReason: 'Device offline.' };
    await click(h, 'confirmRelease');
    await h.settle();
    assert.equal((await action(h, 'undo-act-isolate')).status, 'failed');
    h.advance(24 * HOUR);
    assert.deepEqual(await h.app.features.containment.tick(), { sent: 1, stopped: 0 });
    await h.delivery.drain();
    const latest = reminders(h).at(-1)!.card;
    assert.match(
      text(latest),
      /Release requested by Alex Wilber at .*: failed \(Device offline\.\)/,
    );
    assert.match(text(latest), /Retry it on the managed response's task card/);
    assert.deepEqual(verbs(latest), ['keepContained']);
  });

  it('edits every copy when the release fails, without waiting for the next round', async () => {
    h.defender.machineActions.autoFinish = { status: 'failed', failureReason: 'Device offline.' };
    await click(h, 'confirmRelease');
    await h.settle();
    assert.deepEqual(await h.app.features.containment.tick(), { sent: 0, stopped: 0 });
    await h.delivery.drain();
    for (const { card, versions } of reminders(h)) {
      assert.match(text(card), /: failed \(Device offline\.\)/);
      assert.deepEqual(verbs(card), ['keepContained']);
      assert.equal(versions, 3, 'the release, then its failure');
    }
    await h.app.features.containment.tick();
    await h.delivery.drain();
    assert.ok(
      reminders(h).every((r) => r.versions === 3),
      'edited once per change',
    );
  });

  it('shows a release started from the task card on the reminder copies too', async () => {
    h.defender.machineActions.autoFinish = undefined;
    await h.feature.cards.undo('confirmUndo', caller(), ids);
    await h.app.features.containment.tick();
    await h.delivery.drain();
    for (const { card } of reminders(h)) {
      assert.match(text(card), /Release requested by Alex Wilber at .*: in progress/);
      assert.deepEqual(verbs(card), []);
    }
  });
});
