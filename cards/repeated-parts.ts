// Renders a card whose `$data` loops repeat a large part once per item (the Actions card: one
// task card per action, about 60 expressions each), expanding each distinct item's part once.
// Most renders of a card differ from the one before in one item (the action just clicked) or not
// at all (each copy of one state), yet a whole expansion re-evaluates every part; here an
// unchanged part is a cache hit and only the rest of the card is expanded.
//
// The output is the template's own, as renderCard would bind it (test/cards/repeated-parts.test.ts
// compares the two on generated data): the template is split once, when first used, into the
// card without the loops' parts (each loop element replaced by a stub carrying `$index`) and the
// parts themselves. A part is bound to its item plus the root fields it names as `$root.<field>`,
// which is what it saw in the whole card; a part using `$index`, `$parent` or `$host` is refused
// (a TypeError at the first render), since those would bind differently on their own.
import { Template } from 'adaptivecards-templating';
import { LRUCache } from 'lru-cache';
import type { AdaptiveCard } from './adaptive-card.ts';
import type { CardData } from './card-data.ts';
import type { CardName } from './card-names.ts';
import { assertCardSize } from './card-size.ts';
import { loadCardTemplate } from './load-card-template.ts';
import { expandStrictly, isAdaptiveCard } from './render-card.ts';

const STUB = '__repeatedPart';

interface Part {
  template: Template;
  /** Root fields the part reads as `$root.<field>`. */
  rootFields: readonly string[];
}

interface Split {
  card: Template;
  parts: ReadonlyMap<string, Part>;
}

const splits = new Map<string, Split>();
// Parts bound lately, by part and data. 1,000 entries of a few KB each: the task cards of every
// incident being clicked on, at each size step, for the viewers looking at it.
const bound = new LRUCache<string, object>({ max: 1_000 });

/**
 * renderCard(name, data), with each item of the `loops` (fields of data holding arrays of items)
 * expanded on its own and remembered.
 */
export function renderWithRepeatedParts<N extends CardName>(
  name: N,
  data: CardData[N],
  loops: readonly (keyof CardData[N] & string)[],
): AdaptiveCard {
  const split = splitOf(name, loops);
  const root = data as unknown as Record<string, unknown>;
  const card = replaceStubs(expandStrictly(name, split.card, data), (loop, at) => {
    const part = split.parts.get(loop)!;
    const item = (root[loop] as readonly unknown[])[at];
    return boundPart(name, loop, part, item, root);
  });
  if (!isAdaptiveCard(card)) throw new TypeError(`${name} did not bind to an AdaptiveCard`);
  assertCardSize(card, name);
  return card;
}

function boundPart(
  name: CardName,
  loop: string,
  part: Part,
  item: unknown,
  root: Record<string, unknown>,
): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new TypeError(`${name}: each item of ${loop} must be an object`);
  }
  const scope: Record<string, unknown> = { ...item };
  for (const field of part.rootFields) {
    if (field in scope) {
      throw new TypeError(
        `${name}: an item of ${loop} has ${field}, which its part reads from $root`,
      );
    }
    scope[field] = root[field];
  }
  const key = `${name}\u0000${loop}\u0000${JSON.stringify(scope)}`;
  let expanded = bound.get(key);
  if (expanded === undefined) {
    const value = expandStrictly(name, part.template, scope);
    if (typeof value !== 'object' || value === null) {
      throw new TypeError(`${name}: a part of ${loop} did not bind to an element`);
    }
    expanded = deepFreeze(value);
    bound.set(key, expanded);
  }
  // Shared by every card that shows it, so frozen: a caller changing a part throws.
  return expanded;
}

/** Freezes a card or part and everything in it (a frozen subtree, a shared part, is skipped). */
export function deepFreeze<T extends object>(value: T): T {
  if (Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/** Splits the template now rather than on its first render (about 25 ms for the Actions card). */
export function prepareRepeatedParts<N extends CardName>(
  name: N,
  loops: readonly (keyof CardData[N] & string)[],
): void {
  splitOf(name, loops);
}

function splitOf(name: CardName, loops: readonly string[]): Split {
  const id = `${name}\u0000${loops.join('\u0000')}`;
  let split = splits.get(id);
  if (!split) {
    split = splitTemplate(name, loadCardTemplate(name), loops);
    splits.set(id, split);
  }
  return split;
}

/** The card with each loop's element replaced by a stub, and each loop's part. */
function splitTemplate(name: CardName, template: AdaptiveCard, loops: readonly string[]): Split {
  const parts = new Map<string, Part>();
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== 'object' || node === null) return node;
    const { $data, ...rest } = node as Record<string, unknown>;
    const loop = loops.find((field) => $data === `\${${field}}`);
    if (loop) {
      if (parts.has(loop)) throw new TypeError(`${name}: ${loop} is looped over twice`);
      parts.set(loop, partOf(name, loop, rest));
      return { $data, type: STUB, loop, at: '${$index}' };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, strip(value)]));
  };
  const card = strip(template);
  for (const loop of loops) {
    if (!parts.has(loop)) throw new TypeError(`${name}: no element loops over ${loop}`);
  }
  return { card: new Template(card), parts };
}

function partOf(name: CardName, loop: string, element: Record<string, unknown>): Part {
  const text = JSON.stringify(element);
  const scoped = /\$(index|parent|host)\b/.exec(text);
  if (scoped) {
    throw new TypeError(
      `${name}: the part of ${loop} uses ${scoped[0]}, which binds differently alone`,
    );
  }
  const rootFields = [...new Set([...text.matchAll(/\$root\.(\w+)/g)].map((m) => m[1]!))];
  // Bound alone, the part's own fields are at the root: `$root.x` names the card's x, passed in.
  return { template: new Template(element), rootFields };
}

/** Replaces every stub the card's expansion left with its item's part, in place. */
function replaceStubs(node: unknown, partAt: (loop: string, at: number) => unknown): unknown {
  if (Array.isArray(node)) {
    return node.map((child) => replaceStubs(child, partAt));
  }
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  if (record.type === STUB) return partAt(String(record.loop), Number(record.at));
  for (const [key, value] of Object.entries(record)) record[key] = replaceStubs(value, partAt);
  return record;
}
