import type { AdaptiveCard } from './adaptive-card.ts';
import { CardRenderError } from './card-render-error.ts';

/**
 * Teams measures a bot message as UTF-16 (platform-facts §3.2): 40 KB per message, 28 KB on the
 * webhook/connector paths. We budget every card at 28 KB so it fits on every path, with room left
 * for the activity envelope.
 */
export const maxCardBytes = 28 * 1024;

export function cardSizeBytes(card: AdaptiveCard): number {
  return JSON.stringify(card).length * 2;
}

// The size each card had when assertCardSize measured it, so a caller that needs it right after
// rendering (shrinkToFit's lower bound) does not serialise the whole card a second time.
const measured = new WeakMap<AdaptiveCard, number>();

/** cardSizeBytes(card) as its render measured it: for use right after rendering, before any change. */
export function renderedCardBytes(card: AdaptiveCard): number {
  return measured.get(card) ?? cardSizeBytes(card);
}

export function assertCardSize(card: AdaptiveCard, cardName = 'unknown'): void {
  const size = cardSizeBytes(card);
  measured.set(card, size);
  if (size > maxCardBytes) {
    throw new CardRenderError({
      code: 'CARD_TOO_LARGE',
      cardName,
      sizeBytes: size,
      message: `Card "${cardName}" is ${size} bytes (UTF-16); Teams cards must stay within ${maxCardBytes}. Send fewer items or shorter text.`,
    });
  }
}
