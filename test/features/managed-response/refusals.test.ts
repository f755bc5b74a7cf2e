import assert from 'node:assert/strict';
import { caller, isolate, readerCaller, resetPassword } from './fixtures.ts';
import { action, buttons, cardOf, publish, texts } from './card-helpers.ts';
import { expert, publication } from './fixtures.ts';
import { harness, incident, OTHER_TENANT, TENANT, type Harness } from './harness.ts';

const ids = (actionId: string, incidentId = '2972403') => ({ incidentId, actionId });

describe('managed response: refusals', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ incidents: [incident(), incident({ id: '2972999', title: 'Other' })] });
    await publish(h, [isolate, resetPassword]);
    await h.feature.publishing.publish(
      TENANT,
      '2972999',
      publication([{ ...resetPassword, id: 'act-other' }]),
      expert,
    );
    await h.settle();
  });

  async function lastRefusal() {
    return (await h.feature.audit.list()).filter((e) => e.kind === 'refusal').at(-1);
  }

  it('refuses a Security Reader, shows the reason and greyed buttons, and audits it', async () => {
    const card = cardOf(await h.feature.cards.act('runAction', readerCaller(), ids('act-isolate')));
    const shown = texts(card);
    assert.match(shown, /Refused: Only Security Operators can act on response actions/);
    assert.match(shown, /You have Security Reader access/);
    assert.ok(buttons(card).length > 0);
    assert.ok(
      buttons(card).every((b) => b.endsWith('(off)')),
      buttons(card).join(),
    );
    assert.equal(h.defender.machineActions.runs.length, 0);
    const refusal = await lastRefusal();
    assert.equal(refusal?.code, 'NOT_PERMITTED');
    assert.equal(refusal?.actor.userId, readerCaller().userId);
    assert.equal(refusal?.actionId, 'act-isolate');
  });

  it('refuses a reader confirming a manual action', async () => {
    await h.feature.cards.act('confirmComplete', readerCaller(), ids('act-reset'));
    assert.equal((await action(h, 'act-reset')).status, 'pending');
    assert.equal((await lastRefusal())?.code, 'NOT_PERMITTED');
  });

  it('treats a user without an Entra object id as a reader', async () => {
    const anonymous = caller({ userId: undefined });
    await h.feature.cards.act('runAction', anonymous, ids('act-isolate'));
    assert.equal((await lastRefusal())?.code, 'NOT_PERMITTED');
  });

  it("gives a reader's refresh the read-only view (not a refusal)", async () => {
    const card = cardOf(await h.feature.cards.refresh(readerCaller(), '2972403'));
    assert.match(texts(card), /You have Security Reader access/);
    assert.ok(buttons(card).every((b) => b.endsWith('(off)')));
    assert.equal(await lastRefusal(), undefined);
    const operator = cardOf(await h.feature.cards.refresh(caller(), '2972403'));
    assert.doesNotMatch(texts(operator), /Security Reader/);
    assert.ok(buttons(operator).includes('runAction(act-isolate)'));
  });

  it('refuses a caller from an organisation the service does not protect', async () => {
    const result = await h.feature.cards.act(
      'runAction',
      caller({ tenantId: OTHER_TENANT }),
      ids('act-isolate'),
    );
    assert.equal(result.kind, 'notice');
    assert.match(JSON.stringify(result), /not protected by this managed response service/);
    assert.equal(h.defender.machineActions.runs.length, 0);
    assert.equal((await lastRefusal())?.tenantId, OTHER_TENANT);
  });

  it("refuses to show another organisation's incident (view data names another tenant)", async () => {
    const result = await h.feature.cards.view(caller(), {
      tenantId: OTHER_TENANT,
      incidentId: '2972403',
    });
    assert.deepEqual(result, {
      kind: 'notice',
      title: 'Not allowed',
      text: 'This item belongs to another organisation.',
    });
    assert.equal((await lastRefusal())?.code, 'FOREIGN_TENANT');
    await h.delivery.drain();
    assert.equal(h.messenger.messages.length, 0, 'nothing sent');
  });

  it('refuses an action id that belongs to another incident (tampered card data)', async () => {
    const card = cardOf(await h.feature.cards.act('confirmComplete', caller(), ids('act-other')));
    assert.match(texts(card), /Refused: this action belongs to another incident\./);
    assert.equal((await lastRefusal())?.code, 'TAMPERED_IDS');
    const other = await h.feature.publishing.get(TENANT, '2972999');
    assert.equal(other.response.actions[0]?.status, 'pending');
  });

  it('refuses an unknown action id and an unknown incident id', async () => {
    const card = cardOf(await h.feature.cards.act('runAction', caller(), ids('act-nope')));
    assert.match(texts(card), /Refused: The response action "act-nope" was not found/);
    const missing = await h.feature.cards.act('runAction', caller(), ids('act-isolate', '1111111'));
    assert.equal(missing.kind, 'notice');
    assert.equal((await lastRefusal())?.code, 'NOT_FOUND');
  });

  it('refuses every action once the incident is resolved, and shows no live buttons', async () => {
    await h.setIncident(
      incident({ status: 'resolved', assignedTo: null, determination: 'malware' }),
    );
    const card = cardOf(await h.feature.cards.act('runAction', caller(), ids('act-isolate')));
    assert.match(texts(card), /Refused: This incident is closed/);
    assert.deepEqual(buttons(card), []);
    assert.match(texts(card), /Resolved — True positive \(Malware\)/);
    assert.equal((await lastRefusal())?.code, 'INCIDENT_CLOSED');
  });
});
