import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isCardName } from '../../cards/card-names.ts';
import type { CardData, CardName } from '../../cards/render-card.ts';

const fixturesDirectory = new URL('../fixtures/cards/', import.meta.url);

/** One sample data file: `<name>.json` (the base fixture) or `<name>.<variant>.json`. */
export interface CardFixture {
  name: CardName;
  /** undefined for the base fixture. */
  variant: string | undefined;
  /** The file name without `.json`; also the golden file's name. */
  label: string;
}

/**
 * Every fixture in test/fixtures/cards/, base fixtures first. Synchronous so that mocha can
 * declare one test per fixture. Throws on a file that names no card, so none is silently skipped.
 */
export function listCardFixtures(): CardFixture[] {
  const fixtures = readdirSync(fixturesDirectory)
    .filter((file) => file.endsWith('.json'))
    .map((file): CardFixture => {
      const label = file.slice(0, -'.json'.length);
      const [name, ...rest] = label.split('.');
      if (!isCardName(name) || rest.length > 1) {
        throw new Error(
          `test/fixtures/cards/${file} is not named <card>.json or <card>.<variant>.json`,
        );
      }
      return { name, variant: rest[0], label };
    });
  return [
    ...fixtures.filter((fixture) => fixture.variant === undefined),
    ...fixtures.filter((fixture) => fixture.variant !== undefined),
  ];
}

/** The sample data for a template: test/fixtures/cards/<name>.json, or <name>.<variant>.json. */
export async function loadCardFixture<N extends CardName>(
  name: N,
  variant?: string,
): Promise<CardData[N]> {
  const file = new URL(
    `${variant === undefined ? name : `${name}.${variant}`}.json`,
    fixturesDirectory,
  );
  return JSON.parse(await readFile(file, 'utf8')) as CardData[N];
}
