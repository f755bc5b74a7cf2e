// Every Action.Execute verb in cards/ has a handler, and every handler a declared verb. The
// handler set is the one buildApp assembles (the demo app, so the chat relay is on); a handler
// for a verb that is not a CardVerb does not compile (src/app/feature.ts, CardActions).
import assert from 'node:assert/strict';
import { cardVerbs } from '../../cards/card-verbs.ts';
import { templateExecuteActions } from '../../cards/template-execute-actions.ts';
import type { CardActions } from '../../src/app/feature.ts';
import { demoApp } from './demo-app.ts';

describe('card verb contract', () => {
  it('every Action.Execute verb in cards/ has a handler, and every handler a verb', async () => {
    const inTemplates = new Set(templateExecuteActions().map((a) => String(a.verb)));
    const handled = new Set((await demoApp()).bot.handledVerbs());
    assert.deepEqual(
      [...inTemplates].filter((v) => !handled.has(v)),
      [],
      'verbs without handler',
    );
    assert.deepEqual(
      [...handled].filter((v) => !(cardVerbs as readonly string[]).includes(v)),
      [],
      'handlers without a declared verb',
    );
  });

  it('does not compile a handler for a verb that cards/card-verbs.ts does not declare', () => {
    const actions: CardActions = {
      // @ts-expect-error: not a CardVerb (tsc, in npm test, fails if this ever compiles)
      deleteEverything: async () => ({ kind: 'message', text: 'no' }),
    };
    assert.equal(Object.keys(actions).length, 1);
  });
});
