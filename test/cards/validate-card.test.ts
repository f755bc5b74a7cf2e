import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { assertValidCard, validateCard } from './validate-card.ts';

// The card tests are only as good as this helper: show that it reports what it claims to.
describe('validateCard (official Adaptive Cards parser)', () => {
  const card = (body: unknown[], version = '1.5'): AdaptiveCard => ({
    type: 'AdaptiveCard',
    version,
    body,
  });

  it('accepts a plain card with an Action.Execute in an ActionSet', () => {
    const actionSet = {
      type: 'ActionSet',
      actions: [
        {
          type: 'Action.Execute',
          title: 'Go',
          verb: 'go',
          fallback: { type: 'Action.Submit', title: 'Go', data: { verb: 'go' } },
        },
      ],
    };
    const valid = card([{ type: 'TextBlock', text: 'Hello', wrap: true }, actionSet]);
    assert.deepEqual(validateCard(valid).problems, []);
    assertValidCard(valid);
  });

  it('reports an unknown element type', () => {
    const { problems } = validateCard(card([{ type: 'Carousel2', text: 'x' }]));
    assert.match(problems.join('\n'), /UnknownElementType.*Carousel2/);
  });

  it('reports an invalid property value', () => {
    const { problems } = validateCard(card([{ type: 'TextBlock', text: 'x', size: 'huge' }]));
    assert.match(problems.join('\n'), /InvalidPropertyValue.*huge/);
  });

  it('reports a duplicate element id', () => {
    const body = [
      { type: 'TextBlock', text: 'a', id: 'same' },
      { type: 'TextBlock', text: 'b', id: 'same' },
    ];
    assert.match(validateCard(card(body)).problems.join('\n'), /DuplicateId/);
  });

  it('reports a property the parser would silently drop, such as a typo', () => {
    const { problems } = validateCard(card([{ type: 'TextBlock', text: 'x', wrapp: true }]));
    assert.deepEqual(problems, ['Unknown property "wrapp" on TextBlock at $.body[0]']);
  });

  it('allows the Teams msteams extension', () => {
    const teamsCard = { ...card([{ type: 'TextBlock', text: 'x' }]), msteams: { width: 'Full' } };
    assert.deepEqual(validateCard(teamsCard).problems, []);
  });

  it('fails a card whose version Teams does not render', () => {
    assert.throws(() => assertValidCard(card([{ type: 'TextBlock', text: 'x' }], '1.6')), {
      name: 'AssertionError',
    });
  });

  it('fails a card over the size budget', () => {
    const big = card([{ type: 'TextBlock', text: 'x'.repeat(15_000) }]);
    assert.throws(() => assertValidCard(big), { message: /budget/ });
  });
});
