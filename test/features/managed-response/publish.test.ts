import assert from 'node:assert/strict';
import { NotFoundError, NotPermittedError } from '../../../src/domain/errors.ts';
import { ResponseConflictError } from '../../../src/features/managed-response/response-errors.ts';
import { socMessageKey } from '../../../src/shared/message-keys.ts';
import { blockDomain, expert, isolate, publication, resetPassword } from './fixtures.ts';
import { actionsCards, publish, stored } from './card-helpers.ts';
import { contoso, harness, incident, SOC_CHANNEL, TENANT, type Harness } from './harness.ts';

describe('managed response: publishing (experts)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  it('stores the response, then hands the incident to the customer with a comment', async () => {
    const result = await publish(h);
    assert.equal(result.created, true);
    assert.equal(result.incidentUpdate, 'done');
    assert.equal(result.stored.version, 1);
    assert.deepEqual(h.defender.incidents.updates, [
      { id: '2972403', update: { status: 'active', assignedTo: 'Customer' } },
    ]);
    const [comment] = h.defender.incidents.comments;
    assert.match(
      comment!.comment,
      /^Managed response: Defender Experts published the investigation summary/,
    );
    assert.match(
      comment!.comment,
      /2 actions await the customer: Isolate prod-server-01; Reset the password/,
    );
    const entry = (await h.feature.audit.list()).find((e) => e.kind === 'publish');
    assert.deepEqual(entry?.actor, {
      userId: 'expert-oid',
      name: 'Dana Expert',
      via: 'expertsApi',
    });
  });

  it('keeps the status of an incident the experts already set to awaitingAction', async () => {
    await h.setIncident(incident({ status: 'awaitingAction', assignedTo: 'Customer' }));
    await publish(h);
    assert.deepEqual(h.defender.incidents.updates, []);
    assert.equal(h.defender.incidents.comments.length, 1);
  });

  it('posts the SOC copy as replies under the SOC incident card', async () => {
    await h.postSocCard();
    await publish(h);
    const root = h.messenger.messages[0]!;
    const replies = h.messenger.messages.slice(1);
    assert.equal(replies.length, 2, 'summary and actions');
    for (const reply of replies) assert.deepEqual(reply.replyTo, root.location);
    assert.match(JSON.stringify(replies[0]!.activity), /Investigation summary|phishing attachment/);
    assert.equal(actionsCards(h).length, 1);
  });

  it('holds the SOC copy until the SOC card is planned, then posts it under it', async () => {
    await publish(h);
    assert.equal(h.messenger.messages.length, 0, 'no parent yet');
    await h.postSocCard();
    await h.feature.refreshCopies(TENANT, '2972403');
    await h.delivery.drain();
    const [root, ...replies] = h.messenger.messages;
    assert.equal(replies.length, 2);
    assert.ok(replies.every((r) => r.replyTo?.activityId === root!.location.activityId));
    assert.ok(await h.delivery.findDelivery(socMessageKey(TENANT, '2972403', SOC_CHANNEL)));
  });

  it('lets experts with Security Operator access record actions they completed', async () => {
    const operatorTenant = await harness({ tenant: contoso({ expertsAccess: 'operator' }) });
    await operatorTenant.feature.publishing.publish(
      TENANT,
      '2972403',
      publication([{ ...isolate, completedByExperts: true }]),
      expert,
    );
    const saved = await stored(operatorTenant);
    assert.equal(saved.actions[0]?.status, 'completed');
    assert.equal(saved.actions[0]?.updatedBy?.name, 'Defender Experts');
    assert.equal(operatorTenant.defender.incidents.updates.length, 0, 'not handed to the customer');
    assert.match(
      operatorTenant.defender.incidents.comments[0]!.comment,
      /Completed by the experts: Isolate/,
    );
    await assert.rejects(
      h.feature.publishing.publish(
        TENANT,
        '2972403',
        publication([{ ...isolate, completedByExperts: true }]),
        expert,
      ),
      NotPermittedError,
    );
  });

  it('merges a republication: rewords, withdraws pending actions, keeps started ones', async () => {
    await publish(h, [isolate, resetPassword, blockDomain]);
    await h.feature.cards.act('confirmComplete', callerOperator(), {
      incidentId: '2972403',
      actionId: 'act-reset',
    });
    await h.feature.publishing.publish(
      TENANT,
      '2972403',
      publication([{ ...isolate, title: 'Isolate the server now' }, resetPassword]),
      expert,
    );
    const saved = await stored(h);
    assert.deepEqual(
      saved.actions.map((a) => [a.id, a.status, a.title]),
      [
        ['act-isolate', 'pending', 'Isolate the server now'],
        ['act-reset', 'completed', 'Reset the password of j.doe@contoso.com'],
      ],
    );
    await assert.rejects(
      h.feature.publishing.publish(TENANT, '2972403', publication([isolate]), expert),
      (err: unknown) => err instanceof ResponseConflictError && err.code === 'ACTION_STARTED',
    );
  });

  it('refuses a stale version (If-Match) and an action id that exists', async () => {
    await publish(h);
    await assert.rejects(
      h.feature.publishing.publish(TENANT, '2972403', publication(), expert, 0),
      (err: unknown) => err instanceof ResponseConflictError && err.code === 'VERSION_CONFLICT',
    );
    const ok = await h.feature.publishing.publish(TENANT, '2972403', publication(), expert, 1);
    assert.equal(ok.stored.version, 2);
    await assert.rejects(
      h.feature.publishing.addActions(TENANT, '2972403', [isolate], expert),
      (err: unknown) => err instanceof ResponseConflictError && err.code === 'ACTION_EXISTS',
    );
  });

  it('adds actions to a published response and hands the incident over again', async () => {
    await publish(h, [resetPassword]);
    const result = await h.feature.publishing.addActions(TENANT, '2972403', [blockDomain], expert);
    assert.deepEqual(
      (await stored(h)).actions.map((a) => a.id),
      ['act-reset', 'act-block'],
    );
    assert.equal(result.stored.version, 2);
    assert.equal(h.defender.incidents.updates.length, 2);
    assert.match(h.defender.incidents.comments[1]!.comment, /added response actions/);
  });

  it('answers not found for an unknown tenant or incident', async () => {
    await assert.rejects(
      h.feature.publishing.publish(
        '00000000-0000-4000-8000-000000000000',
        '2972403',
        publication(),
        expert,
      ),
      NotFoundError,
    );
    await assert.rejects(
      h.feature.publishing.publish(TENANT, '404404', publication(), expert),
      NotFoundError,
    );
    await assert.rejects(h.feature.publishing.get(TENANT, '2972403'), NotFoundError);
  });

  it("posts the experts' update as a comment and as a reply in the SOC thread", async () => {
    await h.postSocCard();
    const result = await h.feature.publishing.postUpdate(
      TENANT,
      '2972403',
      'We see no more C2 traffic.',
      expert,
    );
    await h.delivery.drain();
    assert.equal(result.incidentUpdate, 'done');
    assert.deepEqual(h.defender.incidents.comments, [
      { id: '2972403', comment: 'Dana Expert: We see no more C2 traffic.' },
    ]);
    const reply = h.messenger.messages[1]!;
    assert.equal(reply.activity.text, '**Update from Dana Expert:** We see no more C2 traffic.');
    assert.deepEqual(reply.replyTo, h.messenger.messages[0]!.location);
  });
});

function callerOperator() {
  return {
    tenantId: TENANT,
    userId: '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c',
    userName: 'Alex Wilber',
    conversationId: 'a:alex',
    kind: 'personal' as const,
  };
}

describe('managed response: card copies', () => {
  it("renders each copy's base card for whoever sees it", async () => {
    const h = await harness();
    await h.postSocCard();
    await publish(h, [isolate]);
    const reader = {
      tenantId: TENANT,
      userId: '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d',
      userName: 'Megan Bowen',
      conversationId: 'a:megan',
      kind: 'personal' as const,
      mri: '29:megan',
    };
    await h.feature.cards.view(reader, { tenantId: TENANT, incidentId: '2972403' });
    await h.feature.cards.view(
      { ...callerOperator(), mri: '29:alex' },
      { tenantId: TENANT, incidentId: '2972403' },
    );
    await h.delivery.drain();
    const byTarget = (match: (m: (typeof h.messenger.messages)[number]) => boolean) =>
      JSON.stringify(h.messenger.messages.filter(match).at(-1)?.activity);
    const soc = byTarget((m) => m.target.kind === 'conversation');
    const megan = byTarget(
      (m) => m.target.kind === 'personal' && m.target.userId === reader.userId,
    );
    const alex = byTarget((m) => m.target.kind === 'personal' && m.target.userId !== reader.userId);
    assert.match(soc, /the buttons turn on in your own view/);
    assert.match(megan, /You have Security Reader access/);
    assert.match(megan, /"userIds":\["29:megan"\]/);
    assert.doesNotMatch(alex, /Security Reader access|isEnabled":false/);
    assert.match(alex, /"userIds":\["29:alex"\]/);
  });
});
