// Every `Action.Execute` verb used in cards/*.json. The verb string is the contract between a
// template and its handler in bot/: test/cards checks this list against the templates, and the
// bot's handler table is typed by CardVerb.
export const cardVerbs = ['showHelp'] as const;

export type CardVerb = (typeof cardVerbs)[number];

export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (cardVerbs as readonly string[]).includes(value);
}
