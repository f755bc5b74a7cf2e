import assert from 'node:assert/strict';
import { blockDomain, caller, isolate, resetPassword } from './fixtures.ts';
import { action, buttons, cardOf, publish, texts } from './card-helpers.ts';
import { harness, type Harness } from './harness.ts';

const ids = (actionId: string) => ({ incidentId: '2972403', actionId });

describe('managed response: manual actions', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await publish(h, [isolate, resetPassword, blockDomain]);
  });

  it('"I\'ve completed this action" asks for confirmation in the clicker\'s view only', async () => {
    const card = cardOf(await h.feature.cards.act('requestComplete', caller(), ids('act-reset')));
    const live = buttons(card);
    assert.ok(live.includes('confirmComplete(act-reset)'));
    assert.ok(live.includes('cancelConfirmation(act-reset)'));
    assert.ok(!live.includes('requestComplete(act-reset)'));
    assert.ok(live.includes('requestComplete(act-block)'), 'other actions keep their buttons');
    assert.match(texts(card), /Yes, I've done it/);
    assert.equal((await action(h, 'act-reset')).status, 'pending', 'nothing stored');
    const kinds = (await h.feature.audit.list({ incidentId: '2972403' })).map((e) => e.kind);
    assert.deepEqual(kinds, ['publish', 'incidentUpdate'], 'a request changes and audits nothing');
  });

  it('Cancel returns to the normal view', async () => {
    const card = cardOf(
      await h.feature.cards.act('cancelConfirmation', caller(), ids('act-reset')),
    );
    assert.ok(buttons(card).includes('requestComplete(act-reset)'));
    assert.ok(!buttons(card).includes('confirmComplete(act-reset)'));
  });

  it('"Yes, I\'ve done it" moves the action to Completed with who and when', async () => {
    const card = cardOf(await h.feature.cards.act('confirmComplete', caller(), ids('act-reset')));
    const done = await action(h, 'act-reset');
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.updatedBy, { userId: caller().userId, name: 'Alex Wilber' });
    assert.match(texts(card), /Completed by Alex Wilber/);
    assert.match(texts(card), /Marked "Reset the password of j\.doe@contoso\.com" as completed/);
    assert.ok(
      !buttons(card).some((b) => b.includes('act-reset')),
      'a finished action has no buttons',
    );
    const entry = (await h.feature.audit.list()).find((e) => e.kind === 'confirmation');
    assert.equal(entry?.result, 'completed');
    assert.equal(entry?.actor.userId, caller().userId);
  });

  it('"Skip" then "Yes, skip this action" records it as skipped', async () => {
    const ask = cardOf(await h.feature.cards.act('requestSkip', caller(), ids('act-block')));
    assert.ok(buttons(ask).includes('confirmSkip(act-block)'));
    assert.match(texts(ask), /Yes, skip this action/);
    const card = cardOf(await h.feature.cards.act('confirmSkip', caller(), ids('act-block')));
    assert.equal((await action(h, 'act-block')).status, 'skipped');
    assert.match(texts(card), /Skipped by Alex Wilber/);
  });

  it('refuses a second confirmation of a finished action (replayed invoke)', async () => {
    await h.feature.cards.act('confirmComplete', caller(), ids('act-reset'));
    const card = cardOf(await h.feature.cards.act('confirmSkip', caller(), ids('act-reset')));
    assert.match(texts(card), /is already completed/);
    assert.equal((await action(h, 'act-reset')).status, 'completed');
  });

  it('refuses the confirmation steps on a one-click action', async () => {
    const card = cardOf(await h.feature.cards.act('requestSkip', caller(), ids('act-isolate')));
    assert.match(texts(card), /one-click action; this button does not apply/);
  });
});
