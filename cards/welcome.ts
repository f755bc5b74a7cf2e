// welcome.json: the hello on install.
import type { AdaptiveCard } from './adaptive-card.ts';
import { renderCard } from './render-card.ts';

export interface WelcomeCardData {
  /** Who the card greets: the user's display name in a personal chat, the team's name in a channel. */
  recipientName: string;
  /** The customer organisation the experts protect, e.g. "Contoso". */
  organizationName: string;
}

export function welcomeCard(data: WelcomeCardData): AdaptiveCard {
  return renderCard('welcome', data);
}
