import { readFile } from 'node:fs/promises';
import type { CardData, CardName } from '../../cards/render-card.ts';

/** The sample data for a template: test/fixtures/cards/<name>.json. */
export async function loadCardFixture<N extends CardName>(name: N): Promise<CardData[N]> {
  const file = new URL(`../fixtures/cards/${name}.json`, import.meta.url);
  return JSON.parse(await readFile(file, 'utf8')) as CardData[N];
}
