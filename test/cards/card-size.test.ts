import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { assertCardSize, cardSizeBytes, maxCardBytes } from '../../cards/card-size.ts';

function cardWithText(text: string): AdaptiveCard {
  return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] };
}

/** A card whose JSON is exactly `units` UTF-16 code units long. */
function cardOfLength(units: number): AdaptiveCard {
  const overhead = JSON.stringify(cardWithText('')).length;
  return cardWithText('a'.repeat(units - overhead));
}

describe('card size budget', () => {
  it('counts UTF-16 code units times two, as Teams does', () => {
    const card = cardWithText('漢字 and ASCII');
    assert.equal(cardSizeBytes(card), JSON.stringify(card).length * 2);
    // UTF-8 would count 漢 as 3 bytes and ASCII as 1: the budget must not depend on the encoding.
    assert.notEqual(cardSizeBytes(card), Buffer.byteLength(JSON.stringify(card), 'utf8'));
  });

  it('is 28 KB', () => {
    assert.equal(maxCardBytes, 28_672);
  });

  it('accepts a card of exactly the budget and rejects one code unit more', () => {
    const atLimit = cardOfLength(maxCardBytes / 2);
    assert.equal(cardSizeBytes(atLimit), maxCardBytes);
    assert.doesNotThrow(() => assertCardSize(atLimit));
    assert.throws(() => assertCardSize(cardOfLength(maxCardBytes / 2 + 1), 'history'), {
      name: 'CardRenderError',
      code: 'CARD_TOO_LARGE',
      cardName: 'history',
      message: /28674 bytes/,
    });
  });
});
