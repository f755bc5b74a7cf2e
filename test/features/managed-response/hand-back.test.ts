import assert from 'node:assert/strict';
import { caller, isolate, resetPassword, blockDomain } from './fixtures.ts';
import { actionsCards, buttons, cardOf, publish, texts } from './card-helpers.ts';
import { harness, incident, TENANT, type Harness } from './harness.ts';

const ids = (actionId: string) => ({ incidentId: '2972403', actionId });

describe('managed response: hand-back and resolution', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.postSocCard();
    await publish(h, [isolate, resetPassword, blockDomain]);
    await h.feature.cards.view(caller(), { tenantId: TENANT, incidentId: '2972403' });
    await h.delivery.drain();
  });

  async function finishAll() {
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.feature.cards.act('confirmComplete', caller(), ids('act-reset'));
    await h.settle();
    const last = await h.feature.cards.act('confirmSkip', caller(), ids('act-block'));
    await h.settle();
    return cardOf(last);
  }

  it('gives the incident back to the experts when the last pending action is done', async () => {
    const card = await finishAll();
    assert.match(texts(card), /All actions are done: the incident is back with the experts\./);
    assert.deepEqual(h.defender.incidents.updates.at(-1), {
      id: '2972403',
      update: { status: 'inProgress', assignedTo: 'Defender Experts' },
    });
    const comment = h.defender.incidents.comments.at(-1)!.comment;
    assert.match(
      comment,
      /every response action is done; the incident is back with Defender Experts/,
    );
    assert.match(
      comment,
      /Completed by the customer: Isolate prod-server-01 \(Alex Wilber\); Reset the password of j\.doe@contoso\.com \(Alex Wilber\)/,
    );
    assert.match(comment, /Skipped by the customer: Block contoso-supplies\.co \(Alex Wilber\)/);
    const socReplies = h.messenger.messages.filter((m) =>
      m.activity.text?.startsWith('All response actions are done'),
    );
    assert.equal(socReplies.length, 1);
    assert.equal(socReplies[0]!.replyTo?.activityId, h.messenger.messages[0]!.location.activityId);
    for (const copy of actionsCards(h)) assert.match(copy, /back with the experts/);
    const audit = await h.feature.audit.list();
    assert.equal(audit.filter((e) => e.kind === 'handBack').length, 1);
  });

  it('does not hand back while an action is still pending or failed', async () => {
    h.defender.machineActions.autoFinish = { status: 'failed', failureReason: 'offline' };
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.feature.cards.act('confirmComplete', caller(), ids('act-reset'));
    await h.feature.cards.act('confirmSkip', caller(), ids('act-block'));
    await h.settle();
    assert.ok(
      !h.defender.incidents.updates.some((u) => u.update.assignedTo === 'Defender Experts'),
    );
    const card = cardOf(await h.feature.cards.refresh(caller(), '2972403'));
    assert.doesNotMatch(texts(card), /back with the experts/);
  });

  it('shows Resolved with classification and determination on every copy, without buttons', async () => {
    await h.setIncident(
      incident({
        status: 'resolved',
        assignedTo: null,
        classification: 'truePositive',
        determination: 'multiStagedAttack',
        lastUpdatedAt: '2026-03-02T12:00:00Z',
      }),
    );
    await h.feature.refreshCopies(TENANT, '2972403');
    await h.delivery.drain();
    const copies = actionsCards(h);
    assert.equal(copies.length, 2);
    for (const copy of copies) {
      assert.match(copy, /Resolved — True positive \(Multi staged attack\)/);
      assert.doesNotMatch(copy, /"verb":"(runAction|requestComplete|requestSkip)"/);
    }
    const summaries = h.messenger.messages.filter((m) =>
      /investigation-summary|Indicators|Potential impact/i.test(JSON.stringify(m.activity)),
    );
    assert.ok(
      summaries.every((m) => m.versions >= 2),
      'summaries edited too',
    );
    const view = cardOf(await h.feature.cards.refresh(caller(), '2972403'));
    assert.deepEqual(buttons(view), []);
  });

  it('refreshes each copy once per incident state', async () => {
    await h.feature.refreshCopies(TENANT, '2972403');
    await h.feature.refreshCopies(TENANT, '2972403');
    await h.delivery.drain();
    const edits = actionsCards(h).length;
    assert.equal(edits, 2);
    const versions = h.messenger.messages.map((m) => m.versions);
    assert.ok(
      versions.every((v) => v <= 2),
      versions.join(),
    );
  });
});
