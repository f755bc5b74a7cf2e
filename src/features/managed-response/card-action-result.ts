// What a refused card click answers: the clicker's own card when there is one to show, else a
// notice (unknown organisation, incident of another organisation, nothing published yet).
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { CardActionResult } from '../../app/feature.ts';
import type { DomainError } from '../../domain/errors.ts';

export type { CardActionResult } from '../../app/feature.ts';

const titles: Partial<Record<DomainError['code'], string>> = {
  NOT_FOUND: 'Not available',
  FOREIGN_TENANT: 'Not allowed',
  NOT_PERMITTED: 'Not allowed',
};

export function refusalResult(error: DomainError, card?: AdaptiveCard): CardActionResult {
  if (card) return { kind: 'card', card };
  return { kind: 'notice', title: titles[error.code] ?? 'Not done', text: error.message };
}
