import { GlobalSettings, Template } from 'adaptivecards-templating';
import type { AdaptiveCard } from './adaptive-card.ts';
import type { CardData } from './card-data.ts';
import { cardNames, type CardName } from './card-names.ts';
import { CardRenderError } from './card-render-error.ts';
import { assertCardSize } from './card-size.ts';
import { loadCardTemplate } from './load-card-template.ts';

export type { AdaptiveCard } from './adaptive-card.ts';
export type { CardData } from './card-data.ts';
export type { CardName } from './card-names.ts';
export { CardRenderError } from './card-render-error.ts';
export { assertCardSize, cardSizeBytes, maxCardBytes } from './card-size.ts';

const compiled = new Map<CardName, Template>();

/**
 * Binds a template to its data and returns a card ready to send. Throws CardRenderError when a
 * `${...}` stays unbound (the templating library would otherwise leave it in the card for the
 * user to see), on any templating warning, and when the card exceeds the Teams size budget.
 */
export function renderCard<N extends CardName>(name: N, data: CardData[N]): AdaptiveCard {
  const template = compile(name);
  const unbound: string[] = [];
  const previousHook = GlobalSettings.getUndefinedFieldValueSubstitutionString;
  // The library's documented hook for undefined fields; returning undefined keeps its default
  // substitution ("${path}"), so the hook only records. expand() is synchronous, so no other
  // render can observe the hook between set and restore.
  GlobalSettings.getUndefinedFieldValueSubstitutionString = (path) => {
    unbound.push(path);
    return undefined;
  };
  let expanded: unknown;
  try {
    expanded = template.expand({ $root: data });
  } catch (error) {
    throw bindingFailed(name, undefined, `an expression failed: ${(error as Error).message}`);
  } finally {
    GlobalSettings.getUndefinedFieldValueSubstitutionString = previousHook;
  }

  const [firstUnbound] = unbound;
  if (firstUnbound !== undefined) {
    const list = [...new Set(unbound)].map((path) => `\${${path}}`).join(', ');
    throw bindingFailed(name, `\${${firstUnbound}}`, `no data for ${list}`);
  }
  const [firstWarning] = template.getLastTemplateExpansionWarnings();
  if (firstWarning !== undefined) {
    throw bindingFailed(name, firstWarning, `templating warning: ${firstWarning}`);
  }
  const leftover = findLeftoverExpression(expanded, dataStringsWithMarker(data));
  if (leftover !== undefined) {
    throw bindingFailed(name, leftover, `${leftover} is still in the card after binding`);
  }
  if (!isAdaptiveCard(expanded)) {
    throw bindingFailed(name, undefined, 'binding did not produce an AdaptiveCard object');
  }
  assertCardSize(expanded, name);
  return expanded;
}

/**
 * Parses every template now (once per process) instead of on its first render: the first click
 * on an Actions card otherwise waits about 100 ms for its template's expressions to be parsed.
 */
export function precompileCards(): void {
  for (const name of cardNames) compile(name);
}

function compile(name: CardName): Template {
  const cached = compiled.get(name);
  if (cached) return cached;
  let template: Template;
  try {
    // Parses every expression up front, so a syntax error surfaces on first use of the card.
    template = new Template(loadCardTemplate(name));
  } catch (error) {
    if (error instanceof CardRenderError) throw error;
    throw new CardRenderError({
      code: 'CARD_TEMPLATE_INVALID',
      cardName: name,
      message: `Card template "${name}" has an invalid expression: ${(error as Error).message}`,
    });
  }
  compiled.set(name, template);
  return template;
}

// A `${` that came from the data (an incident title, an expert's message) is content, not a
// binding failure; only one that the template itself left behind is.
function findLeftoverExpression(node: unknown, dataStrings: readonly string[]): string | undefined {
  if (typeof node === 'string') {
    if (!node.includes('${')) return undefined;
    let rest = node;
    for (const text of dataStrings) rest = rest.split(text).join('');
    return /\$\{[^}]*\}?/.exec(rest)?.[0];
  }
  if (typeof node === 'object' && node !== null) {
    for (const value of Object.values(node)) {
      const found = findLeftoverExpression(value, dataStrings);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function dataStringsWithMarker(data: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node.includes('${')) found.push(node);
    } else if (typeof node === 'object' && node !== null) {
      for (const value of Object.values(node)) visit(value);
    }
  };
  visit(data);
  // Longest first, so a string that contains another is removed whole.
  return found.sort((a, b) => b.length - a.length);
}

function isAdaptiveCard(value: unknown): value is AdaptiveCard {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'AdaptiveCard' &&
    typeof (value as { version?: unknown }).version === 'string'
  );
}

function bindingFailed(
  name: CardName,
  expression: string | undefined,
  reason: string,
): CardRenderError {
  return new CardRenderError({
    code: 'CARD_BINDING_FAILED',
    cardName: name,
    message: `Card "${name}" cannot be rendered: ${reason}`,
    ...(expression === undefined ? {} : { expression }),
  });
}
