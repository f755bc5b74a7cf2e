import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { CardRenderError } from '../../cards/card-render-error.ts';
import { shrinkToFit } from '../../cards/shrink-to-fit.ts';

const steps = [0, 1, 2, 3, 4, 5, 6, 7];

/** A render whose card fits from step `fitsFrom` on (sizes shrink along the steps). */
function renderer(fitsFrom: number) {
  const tried: number[] = [];
  const render = (step: number): AdaptiveCard => {
    tried.push(step);
    if (step < fitsFrom) {
      throw new CardRenderError({
        code: 'CARD_TOO_LARGE',
        cardName: 'response-actions',
        message: `step ${step} is too large`,
      });
    }
    return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `${step}` }] };
  };
  return { render, tried };
}

const stepOf = (card: AdaptiveCard) => Number((card.body?.[0] as { text: string }).text);

describe('cards: shrinkToFit', () => {
  it('always answers the first step that fits, whatever fitted before', () => {
    const own = [...steps];
    for (const fitsFrom of [5, 5, 2, 7, 0, 6, 6, 3]) {
      const { render } = renderer(fitsFrom);
      assert.equal(stepOf(shrinkToFit(own, render)), fitsFrom);
    }
  });

  it('renders twice, not six times, when the card is as large as last time', () => {
    const own = [...steps];
    shrinkToFit(own, renderer(5).render);
    const { render, tried } = renderer(5);
    shrinkToFit(own, render);
    assert.deepEqual(tried, [5, 4]);
  });

  it('throws the last too-large error when no step fits, and other errors at once', () => {
    const own = [...steps];
    assert.throws(() => shrinkToFit(own, renderer(99).render), /step 7 is too large/);
    const broken = () => {
      throw new Error('template bug');
    };
    assert.throws(() => shrinkToFit(own, broken), /template bug/);
  });
});
