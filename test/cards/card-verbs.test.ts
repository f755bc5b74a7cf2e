import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { cardNames } from '../../cards/card-names.ts';
import { cardVerbs, isCardVerb } from '../../cards/card-verbs.ts';
import { findExecuteActions } from '../../cards/find-execute-actions.ts';
import { cardsDirectory } from '../../cards/load-card-template.ts';
import { templateExecuteActions } from '../../cards/template-execute-actions.ts';

describe('card templates and verbs', () => {
  it('lists every cards/*.json template in cardNames, and nothing else', async () => {
    const files = (await readdir(cardsDirectory)).filter((file) => file.endsWith('.json'));
    const names = files.map((file) => file.slice(0, -'.json'.length)).sort();
    assert.deepEqual(names, [...cardNames].sort());
  });

  it('declares in cardVerbs exactly the Action.Execute verbs the templates use', () => {
    const used = new Set(templateExecuteActions().map((action) => action.verb));
    assert.deepEqual([...used].sort(), [...cardVerbs].sort());
  });

  it('names verbs in camelCase', () => {
    for (const verb of cardVerbs) assert.match(verb, /^[a-z][a-zA-Z0-9]*$/);
  });

  it('wraps every Action.Execute in an ActionSet with an Action.Submit fallback for the same verb', () => {
    const actions = templateExecuteActions();
    assert.ok(actions.length > 0);
    for (const action of actions) {
      const where = `${action.cardName} ${action.path}`;
      assert.ok(
        isCardVerb(action.verb),
        `${where}: verb ${String(action.verb)} is not in cardVerbs`,
      );
      if (action.placement === 'refresh') continue;
      // Older Teams clients honour fallback only inside an ActionSet (platform-facts §3.4).
      assert.equal(action.placement, 'actionSet', `${where}: Action.Execute outside an ActionSet`);
      const fallback = action.fallback as { type?: unknown; data?: { verb?: unknown } } | undefined;
      assert.equal(fallback?.type, 'Action.Submit', `${where}: needs an Action.Submit fallback`);
      assert.equal(fallback?.data?.verb, action.verb, `${where}: fallback must carry the verb`);
    }
  });
});

describe('findExecuteActions', () => {
  it('finds actions in ActionSets, card actions, ShowCard cards and refresh, with their placement', () => {
    const execute = (verb: string) => ({ type: 'Action.Execute', verb, fallback: 'drop' });
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      refresh: { action: execute('refreshCard'), userIds: [] },
      body: [
        { type: 'Container', items: [{ type: 'ActionSet', actions: [execute('inSet')] }] },
        { type: 'Container', selectAction: execute('selected'), items: [] },
      ],
      actions: [
        execute('cardLevel'),
        { type: 'Action.ShowCard', card: { type: 'AdaptiveCard', actions: [execute('nested')] } },
      ],
    };
    const found = findExecuteActions(card).map(({ verb, placement, path }) => ({
      verb,
      placement,
      path,
    }));
    assert.deepEqual(found, [
      { verb: 'refreshCard', placement: 'refresh', path: '$.refresh.action' },
      { verb: 'inSet', placement: 'actionSet', path: '$.body[0].items[0].actions[0]' },
      { verb: 'selected', placement: 'other', path: '$.body[1].selectAction' },
      { verb: 'cardLevel', placement: 'other', path: '$.actions[0]' },
      { verb: 'nested', placement: 'other', path: '$.actions[1].card.actions[0]' },
    ]);
  });
});
