// Undo (issue 11 item 4): Release from isolation after a completed isolation, with a confirmation
// step, recorded as its own action linked to the one it reverses, run through Defender, shown on
// every copy and in the audit; and every refusal the server owes (not completed, forged ids,
// another tenant, a reader, twice, a device Defender already released).
import assert from 'node:assert/strict';
import { isUndo } from '../../../src/domain/undo-action.ts';
import { caller, isolate, publication, readerCaller, resetPassword, expert } from './fixtures.ts';
import { action, actionsCards, buttons, cardOf, publish, stored, texts } from './card-helpers.ts';
import { DEVICE, harness, incident, OTHER_TENANT, TENANT, type Harness } from './harness.ts';

const INCIDENT = '2972403';
const ids = (actionId: string) => ({ incidentId: INCIDENT, actionId });

describe('managed response: undo (Release from isolation)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.postSocCard();
    await publish(h, [isolate, resetPassword]);
    await h.feature.cards.view(caller(), { tenantId: TENANT, incidentId: INCIDENT });
    await h.delivery.drain();
  });

  async function isolated() {
    await h.feature.cards.act('runAction', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal((await action(h, 'act-isolate')).status, 'completed');
  }

  it('offers Release from isolation on a completed isolation, on every copy', async () => {
    const before = cardOf(await h.feature.cards.refresh(caller(), INCIDENT));
    assert.ok(!buttons(before).includes('requestUndo(act-isolate)'), 'not before it completed');
    await isolated();
    const mine = cardOf(await h.feature.cards.refresh(caller(), INCIDENT));
    assert.ok(buttons(mine).includes('requestUndo(act-isolate)'), buttons(mine).join());
    assert.match(texts(mine), /Release from isolation/);
    const copies = actionsCards(h);
    assert.equal(copies.length, 2);
    for (const copy of copies) assert.match(copy, /"verb":"requestUndo"/);
    const reader = cardOf(await h.feature.cards.refresh(readerCaller(), INCIDENT));
    assert.ok(buttons(reader).includes('requestUndo(act-isolate) (off)'), 'greyed for a reader');
  });

  it('asks for confirmation first and changes nothing until confirmed', async () => {
    await isolated();
    const runs = h.defender.machineActions.runs.length;
    const card = cardOf(await h.feature.cards.undo('requestUndo', caller(), ids('act-isolate')));
    assert.match(
      texts(card),
      /Release prod-server-01 from isolation\? It gets its network connections back\./,
    );
    assert.deepEqual(
      buttons(card).filter((b) => b.includes('act-isolate')),
      ['confirmUndo(act-isolate)', 'cancelConfirmation(act-isolate)'],
    );
    assert.equal((await stored(h)).actions.filter(isUndo).length, 0);
    assert.equal(h.defender.machineActions.runs.length, runs);
    const cancelled = cardOf(
      await h.feature.cards.act('cancelConfirmation', caller(), ids('act-isolate')),
    );
    assert.ok(buttons(cancelled).includes('requestUndo(act-isolate)'));
  });

  it('records the undo as its own action reversing the isolation, runs it in Defender, audits it', async () => {
    await isolated();
    const answer = cardOf(await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate')));
    assert.match(texts(answer), /Started "Release prod-server-01 from isolation"/);
    assert.match(texts(answer), /Release from isolation in progress \(requested by Alex Wilber\)/);
    const undo = await action(h, 'undo-act-isolate');
    assert.ok(isUndo(undo));
    assert.equal(undo.reverses, 'act-isolate');
    assert.equal(undo.kind, 'releaseFromIsolation');
    assert.equal(undo.requestedBy?.name, 'Alex Wilber');

    await h.settle();
    const run = h.defender.machineActions.runs.at(-1)!;
    assert.equal(run.kind, 'releaseFromIsolation');
    assert.equal(run.deviceId, DEVICE);
    assert.match(run.comment, /2972403\/undo-act-isolate attempt 1: Release prod-server-01/);
    assert.equal((await action(h, 'undo-act-isolate')).status, 'completed');
    assert.equal((await action(h, 'act-isolate')).status, 'completed', 'the original stays');

    for (const copy of actionsCards(h)) {
      assert.match(copy, /Released from isolation \(requested by Alex Wilber\)/);
      assert.doesNotMatch(copy, /"verb":"requestUndo"/, 'no second undo');
    }
    const audit = await h.feature.audit.list({ incidentId: INCIDENT });
    const attempt = audit.find((e) => e.operation === 'confirmUndo');
    assert.equal(attempt?.actionId, 'undo-act-isolate');
    assert.equal(attempt?.reverses, 'act-isolate');
    assert.equal(attempt?.result, 'started');
    assert.ok(
      audit.some((e) => e.actionId === 'undo-act-isolate' && e.result === 'completed'),
      'the outcome is audited',
    );
  });

  it('shows a failed undo on the original and retries it on its own task', async () => {
    await isolated();
    h.defender.machineActions.autoFinish = { status: 'failed', failureReason: 'Device offline.' };
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal((await action(h, 'undo-act-isolate')).status, 'failed');
    const card = cardOf(await h.feature.cards.refresh(caller(), INCIDENT));
    assert.match(texts(card), /Release from isolation failed \(requested by Alex Wilber\)/);
    assert.ok(buttons(card).includes('retryAction(undo-act-isolate)'));
    assert.ok(!buttons(card).includes('requestUndo(act-isolate)'), 'one undo per action');
    h.defender.machineActions.autoFinish = { status: 'completed' };
    await h.feature.cards.act('retryAction', caller(), ids('undo-act-isolate'));
    await h.settle();
    assert.equal((await action(h, 'undo-act-isolate')).status, 'completed');
  });

  it('starts one undo for concurrent confirmations', async () => {
    await isolated();
    const before = h.defender.machineActions.runs.length;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate')),
      ),
    );
    await h.settle();
    assert.equal(h.defender.machineActions.runs.length, before + 1);
    const shown = answers.map((a) => texts(cardOf(a)));
    assert.equal(shown.filter((t) => /Started "Release/.test(t)).length, 1);
    assert.equal(shown.filter((t) => /was already requested/.test(t)).length, 9);
  });

  it('refuses an undo of an action that has not completed, and audits it', async () => {
    const card = cardOf(await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate')));
    assert.match(texts(card), /Refused: "Isolate prod-server-01" has not completed/);
    const manual = cardOf(await h.feature.cards.undo('confirmUndo', caller(), ids('act-reset')));
    assert.match(texts(manual), /is not an isolation or app restriction/);
    assert.equal((await stored(h)).actions.filter(isUndo).length, 0);
    assert.equal(h.defender.machineActions.runs.length, 0);
    const refusals = (await h.feature.audit.list({ incidentId: INCIDENT })).filter(
      (e) => e.kind === 'refusal' && e.operation === 'confirmUndo',
    );
    assert.deepEqual(
      refusals.map((e) => e.code),
      ['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION'],
    );
  });

  it('refuses a Security Reader, a forged action id and another tenant', async () => {
    await isolated();
    const reader = cardOf(
      await h.feature.cards.undo('confirmUndo', readerCaller(), ids('act-isolate')),
    );
    assert.match(texts(reader), /Refused: Only Security Operators/);
    const forged = cardOf(await h.feature.cards.undo('confirmUndo', caller(), ids('act-nope')));
    assert.match(texts(forged), /Refused/);
    const foreign = await h.feature.cards.undo(
      'confirmUndo',
      caller({ tenantId: OTHER_TENANT }),
      ids('act-isolate'),
    );
    assert.notEqual(foreign.kind, 'card', 'another organisation gets no card');
    assert.equal((await stored(h)).actions.filter(isUndo).length, 0);
    const codes = (await h.feature.audit.list({})).filter(
      (e) => e.kind === 'refusal' && e.operation === 'confirmUndo',
    );
    assert.deepEqual(
      codes.map((e) => e.code),
      ['NOT_PERMITTED', 'NOT_FOUND', 'NOT_FOUND'],
    );
  });

  it('refuses when Defender says the device was already released (in the portal)', async () => {
    await isolated();
    const released = h.defender.machineActions.addForeign(
      'releaseFromIsolation',
      'soc@contoso.com',
    );
    h.defender.machineActions.finish(released.id, 'completed');
    const { states } = h.defender.machineActions;
    states.set(released.id, { ...states.get(released.id)!, updatedAt: '2999-01-01T00:00:00Z' });
    const card = cardOf(await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate')));
    assert.match(
      texts(card),
      /prod-server-01 is not isolated in Microsoft Defender any more: there is nothing to undo/,
    );
  });

  it('offers the undo on a pending isolation of a device Defender already isolated', async () => {
    const air = h.defender.machineActions.addForeign('isolateDevice');
    h.defender.machineActions.finish(air.id, 'completed');
    const card = cardOf(await h.feature.cards.undo('requestUndo', caller(), ids('act-isolate')));
    assert.deepEqual(
      buttons(card).filter((b) => b.includes('act-isolate')),
      ['confirmUndo(act-isolate)', 'cancelConfirmation(act-isolate)'],
    );
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await h.settle();
    const undo = await action(h, 'undo-act-isolate');
    assert.equal(undo.status, 'completed');
    assert.equal((await action(h, 'act-isolate')).status, 'pending', 'the recommendation stays');
  });

  it('still releases a device once its incident is resolved', async () => {
    await isolated();
    await h.setIncident(incident({ status: 'resolved', classification: 'truePositive' }));
    const card = cardOf(await h.feature.cards.refresh(caller(), INCIDENT));
    assert.ok(buttons(card).includes('requestUndo(act-isolate)'));
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await h.settle();
    assert.equal((await action(h, 'undo-act-isolate')).status, 'completed');
  });

  it('refuses the release while an isolation of the same device runs for another incident', async () => {
    h = await harness({ incidents: [incident(), incident({ id: '2972404' })] });
    await publish(h, [isolate]);
    await h.feature.publishing.publish(TENANT, '2972404', publication([isolate]), expert);
    await isolated();
    h.defender.machineActions.autoFinish = undefined;
    await h.feature.cards.act('runAction', caller(), {
      incidentId: '2972404',
      actionId: 'act-isolate',
    });
    const card = cardOf(await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate')));
    assert.match(
      texts(card),
      /"Release prod-server-01 from isolation" cannot start while "Isolate prod-server-01" is in progress/,
    );
    const refusal = (await h.feature.audit.list({ incidentId: INCIDENT })).find(
      (e) => e.kind === 'refusal' && e.operation === 'confirmUndo',
    );
    assert.equal(refusal?.code, 'CONFLICTING_ACTION');
    await h.feature.executor.stop();
  });

  it('keeps the undo when the experts republish, and hands nothing back twice', async () => {
    await isolated();
    await h.feature.cards.act('requestComplete', caller(), ids('act-reset'));
    await h.feature.cards.act('confirmComplete', caller(), ids('act-reset'));
    await h.settle();
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    await h.settle();
    await h.feature.publishing.publish(
      TENANT,
      INCIDENT,
      publication([isolate, resetPassword]),
      expert,
    );
    const actions = (await stored(h)).actions.map((a) => a.id);
    assert.deepEqual(actions, ['act-isolate', 'act-reset', 'undo-act-isolate']);
    const handBacks = (await h.feature.audit.list({ incidentId: INCIDENT })).filter(
      (e) => e.kind === 'handBack',
    );
    assert.equal(handBacks.length, 1);
  });

  it('does not hand the incident to the customer for their own undo when the experts republish', async () => {
    await isolated();
    await h.feature.cards.act('requestComplete', caller(), ids('act-reset'));
    await h.feature.cards.act('confirmComplete', caller(), ids('act-reset'));
    await h.settle();
    h.defender.machineActions.autoFinish = undefined; // the release is still running
    await h.feature.cards.undo('confirmUndo', caller(), ids('act-isolate'));
    const updates = h.defender.incidents.updates.length;
    await h.feature.publishing.publish(
      TENANT,
      INCIDENT,
      publication([isolate, resetPassword]),
      expert,
    );
    assert.equal((await action(h, 'undo-act-isolate')).status, 'inProgress');
    assert.deepEqual(
      h.defender.incidents.updates.slice(updates).map((u) => u.update.assignedTo),
      [],
      'nothing the experts asked for is open',
    );
    const comment = h.defender.incidents.comments.at(-1)!.comment;
    assert.doesNotMatch(comment, /await the customer/);
  });
});
