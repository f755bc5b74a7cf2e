import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AdaptiveCard } from './adaptive-card.ts';
import type { CardName } from './card-names.ts';
import { CardRenderError } from './card-render-error.ts';

/** The folder holding the templates, `cards/<name>.json`. */
export const cardsDirectory = new URL('./', import.meta.url);

// Teams renders Adaptive Cards up to 1.5 (platform-facts §3.4); Universal Actions need 1.4+.
const templateSchema = z.looseObject({
  type: z.literal('AdaptiveCard'),
  version: z.literal('1.5'),
  body: z.array(z.unknown()).optional(),
  actions: z.array(z.unknown()).optional(),
});

const cache = new Map<CardName, AdaptiveCard>();

/** The raw template (before binding), read from disk once and checked. Treat as read-only. */
export function loadCardTemplate(name: CardName): AdaptiveCard {
  const cached = cache.get(name);
  if (cached) return cached;
  const file = new URL(`./${name}.json`, cardsDirectory);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(name, `cannot read ${file.pathname}: ${(error as Error).message}`);
  }
  const template = parseCardTemplate(name, json);
  cache.set(name, template);
  return template;
}

/** Checks a template's JSON: an Adaptive Card 1.5 without `$when`. Throws CardRenderError. */
export function parseCardTemplate(name: string, json: unknown): AdaptiveCard {
  const parsed = templateSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(name, `it is not an Adaptive Card 1.5: ${z.prettifyError(parsed.error)}`);
  }
  const whenPath = findWhen(parsed.data, '$');
  if (whenPath) {
    // adaptivecards-templating reports a warning for every $when that evaluates to false, so a
    // strict renderer cannot tell a hidden element from a broken expression. Bind optional parts
    // with `$data` to an array that may be empty instead.
    throw invalid(name, `$when is not supported (at ${whenPath}); use $data with an array`);
  }
  return parsed.data;
}

function findWhen(node: unknown, path: string): string | undefined {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = findWhen(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$when') return `${path}.$when`;
      const found = findWhen(value, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function invalid(name: string, reason: string): CardRenderError {
  return new CardRenderError({
    code: 'CARD_TEMPLATE_INVALID',
    cardName: name,
    message: `Card template "${name}" is invalid: ${reason}`,
  });
}
