// Contracts every rendered card keeps, checked on every fixture: what the server may receive from a
// button, that toggles have targets, and that nothing the parser would drop or Teams would show raw
// slips through. The official parser checks none of these.
import assert from 'node:assert/strict';
import { cardVerbDataKeys, isCardVerb } from '../../cards/card-verbs.ts';
import { nodesOfType, renderAllFixtures, typedNodes, visibleTexts } from './card-nodes.ts';
import type { CardNode } from './card-nodes.ts';

// The Adaptive Cards renderer's own pattern (adaptivecards/lib/text-formatters.js): anything else,
// such as fractional seconds, is shown to the reader as raw `{{DATE(...)}}` text.
const dateFunction =
  /^\{\{(DATE|TIME)\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[-+]\d{2}:\d{2})(?:, ?(?:COMPACT|LONG|SHORT))?\)\}\}$/;

describe('card contracts (every fixture)', () => {
  it('sends exactly the ids each verb declares, as non-empty strings, in the button and its fallback', async () => {
    let checked = 0;
    for (const { label, card } of await renderAllFixtures()) {
      for (const action of nodesOfType(card, 'Action.Execute')) {
        const where = `${label}: ${String(action['verb'])}`;
        const verb = action['verb'];
        assert.ok(isCardVerb(verb), `${where}: unknown verb`);
        const data = (action['data'] ?? {}) as Record<string, unknown>;
        assert.deepEqual(Object.keys(data).sort(), [...cardVerbDataKeys[verb]].sort(), where);
        for (const value of Object.values(data)) {
          assert.ok(typeof value === 'string' && value.length > 0, `${where}: empty id`);
        }
        const fallback = action['fallback'] as CardNode | undefined;
        if (fallback !== undefined) {
          assert.deepEqual(fallback['data'], { verb, ...data }, `${where}: fallback data`);
          assert.equal(fallback['title'], action['title'], `${where}: fallback title`);
        }
        checked++;
      }
    }
    assert.ok(checked > 50, `checked ${checked} buttons`);
  });

  it('gives every Action.ToggleVisibility targets that exist in the same card', async () => {
    let toggles = 0;
    for (const { label, card } of await renderAllFixtures()) {
      const ids = new Set(typedNodes(card).map((node) => node['id']));
      for (const toggle of nodesOfType(card, 'Action.ToggleVisibility')) {
        const targets = toggle['targetElements'] as unknown[];
        assert.ok(targets.length > 0, `${label}: toggle without targets`);
        for (const target of targets)
          assert.ok(ids.has(target), `${label}: no element ${String(target)}`);
        toggles++;
      }
    }
    assert.ok(toggles > 20, `checked ${toggles} toggles`);
  });

  it('shows only strings: a number bound alone to a text is silently dropped by the parser', async () => {
    for (const { label, card } of await renderAllFixtures()) {
      for (const text of visibleTexts(card)) {
        assert.equal(typeof text, 'string', `${label}: ${JSON.stringify(text)}`);
      }
    }
  });

  it('writes every {{DATE()}} and {{TIME()}} in the form Teams formats', async () => {
    let dates = 0;
    for (const { label, card } of await renderAllFixtures()) {
      for (const text of visibleTexts(card)) {
        for (const call of String(text).match(/\{\{[^}]*\}\}/g) ?? []) {
          assert.match(call, dateFunction, `${label}: ${call}`);
          dates++;
        }
      }
    }
    assert.ok(dates > 20, `checked ${dates} date functions`);
  });

  it('leaves no empty text, which Teams would render as a blank line', async () => {
    for (const { label, card } of await renderAllFixtures()) {
      for (const text of visibleTexts(card)) assert.notEqual(String(text).trim(), '', label);
    }
  });
});
