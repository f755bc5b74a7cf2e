// help.json: the commands the bot understands.
import type { AdaptiveCard } from './adaptive-card.ts';
import { renderCard } from './render-card.ts';

export interface HelpCommand {
  /** What the user types, e.g. "awaiting". */
  name: string;
  description: string;
  /** A complete example line, e.g. "history 2972395". */
  example: string;
}

export interface HelpCardData {
  commands: readonly HelpCommand[];
}

/** The help card of a command list (its example defaults to the command's name). */
export function helpCard(
  commands: readonly { name: string; description: string; example?: string }[],
): AdaptiveCard {
  return renderCard('help', {
    commands: commands.map((c) => ({
      name: c.name,
      description: c.description,
      example: c.example ?? c.name,
    })),
  });
}
