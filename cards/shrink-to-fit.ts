// Renders a card within the Teams size budget: when it comes out too large (CARD_TOO_LARGE), it
// is rendered again with the next, smaller set of limits (shorter texts, fewer rows).
import type { AdaptiveCard } from './adaptive-card.ts';
import { CardRenderError } from './card-render-error.ts';
import { maxCardBytes } from './card-size.ts';

// Each try is a full template expansion, and a response with many actions failed the first
// four or five steps on every click. So the search starts at the step that fitted last time for
// these steps and walks to larger ones while they fit: the answer is still the first step that
// fits (each step's limits are within the previous one's, so sizes only shrink along the list),
// found in two renders when the card's size is about what it was. A card that fits just below
// the budget would still pay the second render on every click only to learn that the larger
// step is too large: `atLeast` (optional) tells from the fitted card, without rendering, a size
// the larger step's card is certain to reach (a lower bound, so a step that would fit is never
// skipped); above the budget, the larger step is not tried.
const lastFit = new WeakMap<readonly unknown[], number>();

/** A size in bytes (UTF-16, as cardSizeBytes counts) the `larger` step's card cannot be under. */
export type SizeLowerBound<L> = (larger: L, fitted: { step: L; card: AdaptiveCard }) => number;

export function shrinkToFit<L>(
  steps: readonly L[],
  render: (limits: L) => AdaptiveCard,
  atLeast?: SizeLowerBound<L>,
): AdaptiveCard {
  let tooLarge: unknown = new Error('shrinkToFit needs at least one step');
  const attempt = (index: number): AdaptiveCard | undefined => {
    try {
      return render(steps[index]!);
    } catch (error) {
      if (!(error instanceof CardRenderError) || error.code !== 'CARD_TOO_LARGE') throw error;
      tooLarge = error;
      return undefined;
    }
  };
  if (steps.length === 0) throw tooLarge;
  let index = Math.min(lastFit.get(steps) ?? 0, steps.length - 1);
  let card = attempt(index);
  if (card) {
    for (let larger = index - 1; larger >= 0; larger -= 1) {
      if (atLeast && atLeast(steps[larger]!, { step: steps[index]!, card }) > maxCardBytes) break;
      const bigger = attempt(larger);
      if (!bigger) break;
      [card, index] = [bigger, larger];
    }
  } else {
    while (!card && index < steps.length - 1) card = attempt(++index);
    if (!card) throw tooLarge;
  }
  lastFit.set(steps, index);
  return card;
}
