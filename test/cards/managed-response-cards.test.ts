// What each incident and managed-response card must show in the states the reference describes.
// Golden files pin the exact output; these tests name the behaviour, so a golden accepted by
// mistake still fails here.
import assert from 'node:assert/strict';
import type { ResponseActionsCardData } from '../../cards/response-actions.ts';
import { cardSizeBytes, maxCardBytes, renderCard } from '../../cards/render-card.ts';
import {
  executeButtons,
  nodesOfType,
  renderFixture,
  typedNodes,
  visibleTexts,
} from './card-nodes.ts';
import type { CardNode } from './card-nodes.ts';
import { loadCardFixture } from './fixtures.ts';

const titles = (buttons: CardNode[]) => buttons.map((button) => button['title']);
const actionIds = (buttons: CardNode[]) =>
  buttons.map((button) => (button['data'] as { actionId?: unknown })['actionId']);
const texts = (card: unknown) => visibleTexts(card).join('\n');
const readerNotice =
  'You have Security Reader access: ask a Security Operator to run these actions.';

describe('response-actions card', () => {
  it("greys out every action button in a Security Reader's view and says why", async () => {
    const card = await renderFixture('response-actions', 'reader');
    const actionButtons = executeButtons(card).filter((b) => b['verb'] !== 'chatWithExperts');
    assert.ok(actionButtons.length >= 5);
    for (const button of actionButtons)
      assert.equal(button['isEnabled'], false, String(button['title']));
    assert.match(texts(card), new RegExp(readerNotice));
  });

  it("enables the buttons in an operator's view, without the reader notice", async () => {
    const card = await renderFixture('response-actions');
    assert.deepEqual(titles(executeButtons(card)), [
      'Restrict app execution',
      'Retry',
      "I've completed this action",
      'Skip',
      "I've completed this action",
      'Skip',
      'Chat with experts',
    ]);
    for (const button of executeButtons(card, 'runAction')) assert.equal(button['isEnabled'], true);
    assert.doesNotMatch(texts(card), /Security Reader/);
  });

  it('names each button after its action and carries that action id', async () => {
    const card = await renderFixture('response-actions');
    assert.deepEqual(actionIds(executeButtons(card, 'runAction')), ['act-restrict']);
    assert.deepEqual(actionIds(executeButtons(card, 'retryAction')), ['act-quarantine']);
    assert.deepEqual(actionIds(executeButtons(card, 'requestComplete')), [
      'act-block-domain',
      'act-check-mailboxes',
    ]);
  });

  it('replaces the buttons with the confirmation step the user opened, for that action only', async () => {
    const card = await renderFixture('response-actions', 'confirm');
    assert.deepEqual(actionIds(executeButtons(card, 'confirmComplete')), ['act-block-domain']);
    assert.deepEqual(titles(executeButtons(card, 'confirmComplete')), ["Yes, I've done it"]);
    assert.deepEqual(actionIds(executeButtons(card, 'confirmSkip')), ['act-check-mailboxes']);
    assert.deepEqual(titles(executeButtons(card, 'confirmSkip')), ['Yes, skip this action']);
    assert.deepEqual(actionIds(executeButtons(card, 'cancelConfirmation')), [
      'act-block-domain',
      'act-check-mailboxes',
    ]);
    assert.deepEqual(executeButtons(card, 'requestComplete'), []);
    assert.deepEqual(executeButtons(card, 'requestSkip'), []);
    assert.match(texts(card), /Refused: this action belongs to another incident\./);
  });

  it("refreshes for each listed user with that user's own view", async () => {
    const data = await loadCardFixture('response-actions');
    const card = renderCard('response-actions', data);
    assert.deepEqual(card.refresh, {
      action: {
        type: 'Action.Execute',
        verb: 'refreshManagedResponse',
        data: { incidentId: '2972395' },
      },
      userIds: data.refreshUserIds,
    });
    const none = renderCard('response-actions', { ...data, refreshUserIds: [] });
    assert.deepEqual((none.refresh as { userIds: unknown }).userIds, []);
  });

  it('folds each action behind its own details toggle', async () => {
    const data = await loadCardFixture('response-actions');
    const card = renderCard('response-actions', data);
    const actions = [...data.pendingActions, ...data.completedActions];
    const details = typedNodes(card).filter((node) => String(node['id']).startsWith('details-'));
    assert.deepEqual(
      details.map((node) => node['id']),
      actions.map((action) => `details-${action.id}`),
    );
    for (const node of details) assert.equal(node['isVisible'], false);
    const toggles = nodesOfType(card, 'Action.ToggleVisibility');
    assert.deepEqual(
      toggles.map((toggle) => toggle['targetElements']),
      actions.map((action) => [`details-${action.id}`]),
    );
  });

  it('shows a resolved incident as resolved, with the empty pending section', async () => {
    const card = await renderFixture('response-actions', 'resolved');
    const all = texts(card);
    assert.match(all, /Resolved — True positive \(Multi-staged attack\)/);
    assert.match(all, /No pending actions\./);
    assert.deepEqual(
      executeButtons(card).map((b) => b['verb']),
      ['chatWithExperts'],
    );
  });

  it('says when every action is done and the incident is back with the experts', async () => {
    const all = texts(await renderFixture('response-actions', 'handed-back'));
    assert.match(all, /All actions are done: the incident is back with the experts\./);
    assert.doesNotMatch(
      await renderFixture('response-actions').then(texts),
      /All actions are done/,
    );
  });

  it('fits 8 actions with long descriptions into the Teams budget', async () => {
    const data: ResponseActionsCardData = await loadCardFixture('response-actions', 'size');
    assert.equal(data.pendingActions.length, 8);
    for (const action of data.pendingActions) assert.ok(action.description.length >= 240);
    const size = cardSizeBytes(renderCard('response-actions', data));
    assert.ok(size < maxCardBytes, `${size} bytes`);
  });
});

describe('incident-notification card', () => {
  it('opens the incident in Defender and offers the managed response and the experts', async () => {
    const data = await loadCardFixture('incident-notification');
    const card = renderCard('incident-notification', data);
    const openUrl = nodesOfType(card, 'Action.OpenUrl');
    assert.deepEqual(
      openUrl.map((a) => [a['title'], a['url']]),
      [['Open in Microsoft Defender', data.webUrl]],
    );
    assert.deepEqual(
      executeButtons(card).map((b) => b['verb']),
      ['showAwaiting', 'claimIncident', 'viewManagedResponse', 'chatWithExperts'],
    );
    const all = texts(card);
    assert.match(
      all,
      /You receive this because you are a designated incident contact for Contoso\./,
    );
    assert.match(all, /Reminder: still awaiting your action after 4 hours/);
  });

  it('has no reminder line on the first notification', async () => {
    const card = await renderFixture('incident-notification', 'first');
    assert.doesNotMatch(texts(card), /Reminder|Escalation/);
  });

  it("shows the claimer that they are on it, since when, with Release claim and no I'm on it", async () => {
    const card = await renderFixture('incident-notification', 'first');
    assert.match(
      texts(card),
      /\*\*🙋 You are on it\*\* since \{\{DATE\(2026-03-02T09:30:00Z, SHORT\)\}\} \{\{TIME\(2026-03-02T09:30:00Z\)\}\}/,
    );
    const verbs = executeButtons(card).map((b) => b['verb']);
    assert.ok(verbs.includes('releaseClaim'));
    assert.ok(!verbs.includes('claimIncident'));
  });

  it('shows the other contacts who is on it, without claim buttons', async () => {
    const card = await renderFixture('incident-notification', 'escalation');
    assert.match(texts(card), /🙋 Alex Wilber is on it\*\* since/);
    const verbs = executeButtons(card).map((b) => b['verb']);
    assert.ok(!verbs.includes('releaseClaim') && !verbs.includes('claimIncident'));
  });
});

describe('soc-incident card', () => {
  it('offers the managed response only when one exists', async () => {
    const awaiting = await renderFixture('soc-incident');
    assert.equal(executeButtons(awaiting, 'viewManagedResponse').length, 1);
    const investigating = await renderFixture('soc-incident', 'investigating');
    assert.deepEqual(executeButtons(investigating), []);
    assert.equal(nodesOfType(investigating, 'Action.OpenUrl').length, 1);
  });

  it('shows Awaiting Customer Action as a Sentinel tag on an Active incident', async () => {
    const all = texts(await renderFixture('soc-incident'));
    assert.match(all, /Microsoft Sentinel: \*\*Active\*\* · owner \*\*Customer\*\*/);
    assert.match(all, /^Awaiting Customer Action$/m);
  });

  it("shows the classification, determination and the experts' comment once resolved", async () => {
    // The incident's facts are the first FactSet (the contacts' list is another).
    const facts = (card: unknown) =>
      nodesOfType(card, 'FactSet')
        .slice(0, 1)
        .flatMap((set) => set['facts'] as Array<{ title: string }>);
    const resolved = await renderFixture('soc-incident', 'resolved');
    assert.deepEqual(
      facts(resolved).map((fact) => fact.title),
      ['Classification', 'Determination'],
    );
    assert.match(texts(resolved), /signed inventory agent updater/);
    const investigating = await renderFixture('soc-incident', 'investigating');
    assert.deepEqual(facts(investigating), []);
    assert.doesNotMatch(texts(investigating), /Comment from the experts/);
  });
});

describe('soc-incident card: who was reached', () => {
  it('lists each contact and how they were reached, or why not', async () => {
    const card = await renderFixture('soc-incident');
    const all = texts(card);
    assert.match(all, /^Incident contacts$/m);
    const [, contacts] = nodesOfType(card, 'FactSet');
    assert.deepEqual(
      (contacts?.['facts'] as Array<{ title: string; value: string }>).map((f) => [
        f.title,
        f.value,
      ]),
      [
        ['Alex Wilber', 'Teams'],
        ['Isaiah Langer', 'Teams (app installed for them)'],
        ['Patti Fernandez', 'Email (Teams: app blocked by policy)'],
        ['Megan Bowen', 'Not reached in Teams: app not installed'],
      ],
    );
    assert.doesNotMatch(
      texts(await renderFixture('soc-incident', 'investigating')),
      /Incident contacts/,
    );
  });
});

describe('awaiting-queue card', () => {
  it('lists the incidents in the given order, each with its own button', async () => {
    const card = await renderFixture('awaiting-queue');
    const ids = executeButtons(card, 'viewManagedResponse').map(
      (b) => (b['data'] as { incidentId: string }).incidentId,
    );
    assert.deepEqual(ids, ['2972395', '2971988', '2970512']);
    assert.doesNotMatch(texts(card), /Nothing awaits/);
  });

  it('says that nothing awaits when the queue is empty', async () => {
    const card = await renderFixture('awaiting-queue', 'empty');
    assert.deepEqual(executeButtons(card, 'viewManagedResponse'), []);
    assert.match(texts(card), /Nothing awaits Contoso's action right now\./);
  });
});

describe('investigation-summary card', () => {
  it('folds the rest of long lists behind a "Show N more" toggle, hidden at first', async () => {
    const card = await renderFixture('investigation-summary');
    const byId = new Map(typedNodes(card).map((node) => [node['id'], node]));
    for (const [prefix, count] of [
      ['timeline', 2],
      ['ioc', 1],
    ] as const) {
      const more = byId.get(`${prefix}-more`);
      assert.equal(more?.['isVisible'], false, `${prefix}-more`);
      assert.equal(nodesOfType(more, 'ColumnSet').length, count, `${prefix} folded rows`);
      const show = nodesOfType(byId.get(`${prefix}-show`), 'Action.ToggleVisibility')[0];
      assert.equal(show?.['title'], `Show ${count} more`);
    }
    assert.equal(byId.has('ioa-more'), false, 'three indicators of attack need no fold');
    assert.equal(byId.get('narrative-more')?.['isVisible'], false);
  });

  it('leaves out empty sections and toggles', async () => {
    const card = await renderFixture('investigation-summary', 'short');
    assert.deepEqual(nodesOfType(card, 'Action.ToggleVisibility'), []);
    const all = texts(card);
    assert.doesNotMatch(all, /Device timeline|Indicators of attack/);
    assert.match(all, /Indicators of compromise/);
  });
});

describe('chat-header and soc-incident-step cards', () => {
  it('tells the experts which customer and incident the thread is about', async () => {
    const all = texts(await renderFixture('chat-header'));
    for (const text of ['Contoso', 'Incident 2972395', 'Awaiting Customer Action', '3 of 4']) {
      assert.ok(all.includes(text), text);
    }
  });

  it('keeps a step reply to one line and a time', async () => {
    const card = await renderFixture('soc-incident-step');
    assert.deepEqual(visibleTexts(card), [
      'Awaiting your action: 3 pending actions',
      '{{DATE(2026-03-02T09:41:00Z, SHORT)}} {{TIME(2026-03-02T09:41:00Z)}}',
    ]);
    assert.ok(cardSizeBytes(card) < 1024);
  });
});
