// Walks a rendered card so tests can ask "which buttons, which texts, which ids" without depending
// on where a template nests them.
import { renderCard } from '../../cards/render-card.ts';
import type { AdaptiveCard, CardName } from '../../cards/render-card.ts';
import { listCardFixtures, loadCardFixture } from './fixtures.ts';

export type CardNode = Record<string, unknown>;

/** Every object in the card that has a `type` (elements, actions, inlines, the card itself). */
export function typedNodes(card: unknown): CardNode[] {
  const found: CardNode[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (typeof node === 'object' && node !== null) {
      const record = node as CardNode;
      if (typeof record['type'] === 'string') found.push(record);
      Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return found;
}

export function nodesOfType(card: unknown, type: string): CardNode[] {
  return typedNodes(card).filter((node) => node['type'] === type);
}

/** The Action.Execute buttons of a card (not its refresh action), optionally of one verb. */
export function executeButtons(card: AdaptiveCard, verb?: string): CardNode[] {
  const refresh = (card.refresh as { action?: unknown } | undefined)?.action;
  return nodesOfType(card.body, 'Action.Execute')
    .concat(nodesOfType(card.actions, 'Action.Execute'))
    .filter((action) => action !== refresh && (verb === undefined || action['verb'] === verb));
}

/** Every text a reader sees: TextBlock and TextRun text, fact titles and values, action titles. */
export function visibleTexts(card: unknown): unknown[] {
  const texts: unknown[] = [];
  for (const node of typedNodes(card)) {
    if (node['type'] === 'TextBlock' || node['type'] === 'TextRun') texts.push(node['text']);
    if (String(node['type']).startsWith('Action.')) texts.push(node['title']);
    if (node['type'] === 'FactSet') {
      for (const fact of node['facts'] as Array<{ title: unknown; value: unknown }>) {
        texts.push(fact.title, fact.value);
      }
    }
  }
  return texts.filter((text) => text !== undefined);
}

export interface RenderedFixture {
  name: CardName;
  label: string;
  card: AdaptiveCard;
}

/** Every fixture in test/fixtures/cards rendered with its template. */
export async function renderAllFixtures(): Promise<RenderedFixture[]> {
  return Promise.all(
    listCardFixtures().map(async ({ name, variant, label }) => ({
      name,
      label,
      card: renderCard(name, await loadCardFixture(name, variant)),
    })),
  );
}

export async function renderFixture(name: CardName, variant?: string): Promise<AdaptiveCard> {
  return renderCard(name, await loadCardFixture(name, variant));
}
