// help.json: the commands the bot understands.

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
