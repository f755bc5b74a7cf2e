// The one list of card templates: each name is a file `cards/<name>.json`. A test checks that this
// list and the JSON files in cards/ agree, so a new template must be added here to be rendered.
export const cardNames = [
  'awaiting-queue',
  'chat-header',
  'help',
  'incident-notification',
  'investigation-summary',
  'message',
  'report',
  'response-actions',
  'soc-incident',
  'soc-incident-step',
  'still-contained',
  'welcome',
] as const;

export type CardName = (typeof cardNames)[number];

export function isCardName(value: unknown): value is CardName {
  return typeof value === 'string' && (cardNames as readonly string[]).includes(value);
}
