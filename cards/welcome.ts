// welcome.json: the hello on install.

export interface WelcomeCardData {
  /** Who the card greets: the user's display name in a personal chat, the team's name in a channel. */
  recipientName: string;
  /** The customer organisation the experts protect, e.g. "Contoso". */
  organizationName: string;
}
