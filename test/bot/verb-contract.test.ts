import assert from 'node:assert/strict';
import { cardVerbs } from '../../cards/card-verbs.ts';
import { templateExecuteActions } from '../../cards/template-execute-actions.ts';
import { botFixture } from './bot-fixture.ts';

describe('card verb contract', () => {
  it('every Action.Execute verb in cards/ has a handler, and every handler a verb', () => {
    const { bot } = botFixture();
    const inTemplates = new Set(templateExecuteActions().map((a) => String(a.verb)));
    const handled = new Set(bot.handledVerbs());
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
});
