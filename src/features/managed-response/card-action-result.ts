// What a card click answers: the clicker's own card, a short message (Teams shows it and keeps
// the card), or a notice card when there is no managed-response card to show (unknown
// organisation, incident of another organisation, nothing published yet).
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { DomainError } from '../../domain/errors.ts';

export type CardActionResult =
  | { kind: 'card'; card: AdaptiveCard }
  | { kind: 'message'; text: string }
  | { kind: 'notice'; title: string; text: string };

const titles: Partial<Record<DomainError['code'], string>> = {
  NOT_FOUND: 'Not available',
  FOREIGN_TENANT: 'Not allowed',
  NOT_PERMITTED: 'Not allowed',
};

export function refusalResult(error: DomainError, card?: AdaptiveCard): CardActionResult {
  if (card) return { kind: 'card', card };
  return { kind: 'notice', title: titles[error.code] ?? 'Not done', text: error.message };
}
