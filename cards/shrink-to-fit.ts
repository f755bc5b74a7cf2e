// Renders a card within the Teams size budget: when it comes out too large (CARD_TOO_LARGE), it
// is rendered again with the next, smaller set of limits (shorter texts, fewer rows).
import type { AdaptiveCard } from './adaptive-card.ts';
import { CardRenderError } from './card-render-error.ts';

export function shrinkToFit<L>(
  steps: readonly L[],
  render: (limits: L) => AdaptiveCard,
): AdaptiveCard {
  let last: unknown;
  for (const limits of steps) {
    try {
      return render(limits);
    } catch (error) {
      if (!(error instanceof CardRenderError) || error.code !== 'CARD_TOO_LARGE') throw error;
      last = error;
    }
  }
  throw last;
}
