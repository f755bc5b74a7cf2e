import assert from 'node:assert/strict';
import { GlobalSettings } from 'adaptivecards-templating';
import { cardNames } from '../../cards/card-names.ts';
import { parseCardTemplate } from '../../cards/load-card-template.ts';
import { CardRenderError, renderCard } from '../../cards/render-card.ts';
import { listCardFixtures, loadCardFixture } from './fixtures.ts';
import { assertMatchesGolden } from './golden-file.ts';
import { assertValidCard } from './validate-card.ts';

describe('renderCard', () => {
  it('has a base fixture for every card', () => {
    const base = listCardFixtures().filter((fixture) => fixture.variant === undefined);
    assert.deepEqual(base.map((fixture) => fixture.name).sort(), [...cardNames].sort());
  });

  for (const { name, variant, label } of listCardFixtures()) {
    it(`renders "${label}" with its fixture as a valid Adaptive Card 1.5 matching the golden file`, async () => {
      const card = renderCard(name, await loadCardFixture(name, variant));
      assertValidCard(card);
      await assertMatchesGolden(`cards/${label}.json`, card);
    });

    it(`refuses to render "${label}" when any field of its data is missing`, async () => {
      const fixture = await loadCardFixture(name, variant);
      // A variant hides optional parts, so a top-level field that only a hidden part uses may go
      // unreferenced there; a field inside an array item is always rendered, so check those.
      const paths = fieldPaths(fixture).filter(
        (path) => variant === undefined || path.some((segment) => typeof segment === 'number'),
      );
      if (variant === undefined) assert.ok(paths.length > 0, 'the fixture has fields');
      for (const path of paths) {
        const key = String(path.at(-1));
        assert.throws(
          () => renderCard(name, withoutField(fixture, path) as never),
          (error) =>
            error instanceof CardRenderError &&
            error.code === 'CARD_BINDING_FAILED' &&
            error.cardName === name &&
            (error.expression ?? '').includes(key),
          `${label}: removing ${path.join('.')} must fail the render`,
        );
      }
    });
  }

  it('names the card and the unbound expression in the error', () => {
    const data = { title: 'Done', style: 'good', facts: [] } as never;
    assert.throws(() => renderCard('message', data), {
      name: 'CardRenderError',
      code: 'CARD_BINDING_FAILED',
      cardName: 'message',
      expression: '${text}',
      message: /"message".*\$\{text\}/,
    });
  });

  it('keeps "${" that comes from the data, such as a command in an expert message', () => {
    const text = 'Run `echo ${HOME}` on the device and paste the output here.';
    const card = renderCard('message', {
      title: 'A ${x} title',
      text,
      style: 'default',
      facts: [],
    });
    const body = card.body as Array<{ text?: string; items?: Array<{ text?: string }> }>;
    assert.equal(body[1]?.text, text);
    assert.equal(body[0]?.items?.[0]?.text, 'A ${x} title');
  });

  it('fails when an array field holds something else', () => {
    assert.throws(() => renderCard('help', { commands: 'help' } as never), {
      code: 'CARD_BINDING_FAILED',
    });
  });

  it('throws CARD_TOO_LARGE for a card over the Teams budget', () => {
    const text = 'x'.repeat(15_000);
    assert.throws(
      () => renderCard('message', { title: 'Big', text, style: 'default', facts: [] }),
      {
        code: 'CARD_TOO_LARGE',
        cardName: 'message',
      },
    );
  });

  it('renders an empty fact list as an empty FactSet, which clients skip', () => {
    const card = renderCard('message', { title: 'Saved', text: 'Done.', style: 'good', facts: [] });
    assert.deepEqual(card.body?.[2], { type: 'FactSet', facts: [] });
    assertValidCard(card);
  });

  it('returns a new card each time, so a caller may change it', async () => {
    const fixture = await loadCardFixture('welcome');
    const first = renderCard('welcome', fixture);
    const pristine = structuredClone(first);
    (first.body as unknown[]).length = 0;
    first['refresh'] = { action: { type: 'Action.Execute', verb: 'showHelp' } };
    assert.deepEqual(renderCard('welcome', fixture), pristine);
  });

  it('restores the templating hook it borrows, after success and after failure', async () => {
    assert.equal(GlobalSettings.getUndefinedFieldValueSubstitutionString, undefined);
    renderCard('welcome', await loadCardFixture('welcome'));
    assert.throws(() => renderCard('welcome', {} as never));
    assert.equal(GlobalSettings.getUndefinedFieldValueSubstitutionString, undefined);
  });
});

describe('parseCardTemplate', () => {
  const card = { type: 'AdaptiveCard', version: '1.5', body: [] };

  it('accepts an Adaptive Card 1.5', () => {
    assert.deepEqual(parseCardTemplate('sample', card), card);
  });

  it('rejects a version Teams does not render', () => {
    assert.throws(() => parseCardTemplate('sample', { ...card, version: '1.6' }), {
      code: 'CARD_TEMPLATE_INVALID',
      cardName: 'sample',
    });
  });

  it('rejects something that is not a card', () => {
    assert.throws(() => parseCardTemplate('sample', { type: 'Message' }), {
      code: 'CARD_TEMPLATE_INVALID',
    });
  });

  it('rejects $when, which the templating library cannot evaluate without a warning', () => {
    const body = [{ type: 'Container', items: [{ type: 'TextBlock', text: 'x', $when: '${a}' }] }];
    assert.throws(() => parseCardTemplate('sample', { ...card, body }), {
      code: 'CARD_TEMPLATE_INVALID',
      message: /\$when.*\$\.body\[0\]\.items\[0\]\.\$when/,
    });
  });
});

type FieldPath = Array<string | number>;

/** Every object key in the data, at any depth (array items are entered, not removed). */
function fieldPaths(node: unknown, prefix: FieldPath = []): FieldPath[] {
  if (Array.isArray(node)) {
    return node.flatMap((item, index) => fieldPaths(item, [...prefix, index]));
  }
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => [
    [...prefix, key],
    ...fieldPaths(value, [...prefix, key]),
  ]);
}

function withoutField(data: unknown, path: FieldPath): unknown {
  const copy = structuredClone(data);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks arbitrary JSON
  let parent: any = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment];
  delete parent[path.at(-1)!];
  return copy;
}
