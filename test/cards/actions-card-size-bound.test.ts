// The Actions card skips rendering a larger step only when a lower bound on its size is over the
// budget: the bound must never exceed the real size, or a step that fits would be skipped.
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { cardSizeBytes, maxCardBytes } from '../../cards/card-size.ts';
import { CardRenderError } from '../../cards/card-render-error.ts';
import { renderCard } from '../../cards/render-card.ts';
import {
  actionSteps,
  actionsCardData,
  largerCardAtLeast,
  renderActions,
  renderActionsCard,
  type ActionsCardInput,
} from '../../cards/response-actions.ts';
import { shrinkToFit } from '../../cards/shrink-to-fit.ts';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import type { ResponseAction } from '../../src/domain/response-action.ts';
import { newAction } from '../../src/features/managed-response/publish-input.ts';
import { isolate, publication, resetPassword } from '../features/managed-response/fixtures.ts';
import { contoso, incident, TENANT } from '../features/managed-response/harness.ts';

const AT = '2026-03-02T09:30:00Z';

/** The card's size, over the budget too (renderCard refuses such a card, naming its size). */
function sizeOf(data: ReturnType<typeof actionsCardData>): number {
  try {
    return cardSizeBytes(renderCard('response-actions', data));
  } catch (error) {
    if (error instanceof CardRenderError && error.sizeBytes !== undefined) return error.sizeBytes;
    throw error;
  }
}

// A small deterministic generator: the same texts on every run, so a failure reproduces.
function texts(seed: number) {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = [
    'word ',
    'quote " ',
    'back\\slash ',
    'line\nbreak ',
    'é ',
    '😀 ',
    '<tag> ',
    '${x} ',
  ];
  return (max: number) => {
    let s = '';
    const length = Math.floor(next() * max);
    while (s.length < length) s += pieces[Math.floor(next() * pieces.length)];
    return s;
  };
}

function response(seed: number, count: number): ManagedResponse {
  const text = texts(seed);
  const actions: ResponseAction[] = Array.from({ length: count }, (_, i) => {
    const base = i % 2 === 0 ? isolate : resetPassword;
    const action = newAction(
      {
        ...base,
        id: `a${i}`,
        title: text(260),
        description: text(800),
        ...(i % 2 === 0 ? { impact: text(400) } : {}),
      },
      contoso(),
      AT,
    );
    if (i % 4 === 2 && action.kind !== 'manual') {
      return { ...action, status: 'failed', failureReason: text(400) };
    }
    if (i % 4 === 3 && action.kind === 'manual') return { ...action, status: 'completed' };
    return action;
  });
  return {
    tenantId: TENANT,
    incidentId: '2972403',
    summary: publication().summary,
    actions,
    publishedAt: AT,
    updatedAt: AT,
  };
}

function inputOf(seed: number, count = 4): ActionsCardInput {
  return {
    response: response(seed, count),
    incident: incident({ title: texts(seed + 1)(300) }),
    viewer: 'operator',
    refreshUserIds: ['29:a'],
  };
}

describe('cards: the Actions card size bound of a larger step', () => {
  it('never exceeds the size of the larger card (generated responses, every pair of steps)', () => {
    let useful = 0;
    let pairs = 0;
    for (const [count, seeds] of [
      [4, 30],
      [14, 6],
    ] as const) {
      for (let seed = 1; seed <= seeds; seed += 1) {
        const input = inputOf(seed * 31 + count, count);
        for (let i = 1; i < actionSteps.length; i += 1) {
          const larger = actionsCardData({ ...input, ...actionSteps[i - 1] });
          const smaller = actionsCardData({ ...input, ...actionSteps[i] });
          const smallerSize = sizeOf(smaller);
          const bound = largerCardAtLeast(larger, smaller, smallerSize);
          const actual = sizeOf(larger);
          assert.ok(
            bound <= actual,
            `${count} actions, seed ${seed}, step ${i - 1}: ${bound} > ${actual}`,
          );
          if (actual === smallerSize) continue;
          pairs += 1;
          if (bound > smallerSize) useful += 1;
        }
      }
    }
    // The bound is useful: where the larger card is larger, the bound says so (not just 0 or
    // the smaller card's size).
    assert.ok(pairs > 100, `only ${pairs} pairs of different sizes`);
    assert.equal(useful, pairs, `only ${useful} of ${pairs} bounds above the smaller card`);
  });

  it('gives no bound when the larger step leaves out a task card the smaller one shows', () => {
    const input = inputOf(7);
    const all = actionsCardData({ ...input, ...actionSteps[3] });
    const fewer = actionsCardData({
      ...input,
      limits: actionSteps[3]!.limits!,
      maxShown: { pending: 1, completed: 0 },
    });
    assert.equal(largerCardAtLeast(fewer, all, sizeOf(all)), 0);
  });

  it('binds the task cards one by one exactly as the whole template does (every step)', () => {
    let compared = 0;
    for (const [count, seeds] of [
      [4, 12],
      [14, 4],
    ] as const) {
      for (let seed = 1; seed <= seeds; seed += 1) {
        const input = inputOf(seed * 17 + count, count);
        for (const step of actionSteps) {
          const data = actionsCardData({ ...input, ...step });
          const outcome = (render: () => AdaptiveCard) => {
            try {
              return render();
            } catch (error) {
              if (!(error instanceof CardRenderError)) throw error;
              return `${error.code} ${String(error.sizeBytes)}`;
            }
          };
          const whole = outcome(() => renderCard('response-actions', data));
          // Twice: the second time every task card comes from what the first one bound.
          for (let i = 0; i < 2; i += 1) {
            assert.deepEqual(
              outcome(() => renderActions(data)),
              whole,
            );
          }
          compared += 1;
        }
      }
    }
    assert.equal(compared, 16 * actionSteps.length);
  });

  it('shares cards and task cards frozen, so no card can change what the next one shows', () => {
    const data = actionsCardData(inputOf(3));
    const first = renderActions(data);
    const expected = structuredClone(first);
    const body = first.body as Record<string, unknown>[];
    const task = body.find((element) => element.type === 'Container');
    assert.ok(task, 'the card has a task card');
    assert.throws(() => (task.type = 'Changed'), TypeError);
    assert.throws(() => (body.length = 0), TypeError);
    assert.throws(() => (first.refresh = undefined), TypeError);
    // The same data is the same card; other data is drawn anew, with the shared task cards.
    assert.equal(renderActions(structuredClone(data)), first);
    const other = renderActions({ ...data, title: `${data.title} (2)` });
    assert.notEqual(other, first);
    assert.deepEqual(renderActions(data), expected);
  });

  it('remembers a step found too large, and throws its error again without drawing it', () => {
    const data = actionsCardData(inputOf(3));
    const huge = { ...data, title: 'x'.repeat(20_000) };
    const thrown = (() => {
      try {
        renderActions(huge);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    assert.ok(thrown instanceof CardRenderError && thrown.code === 'CARD_TOO_LARGE');
    assert.throws(
      () => renderActions(structuredClone(huge)),
      (again) => again === thrown,
    );
  });

  it('still answers the first step that fits', () => {
    for (let seed = 1; seed <= 10; seed += 1) {
      const input = inputOf(seed);
      const card = renderActionsCard(input);
      const first = actionSteps.findIndex((step) => {
        try {
          renderCard('response-actions', actionsCardData({ ...input, ...step }));
          return true;
        } catch (error) {
          if (error instanceof CardRenderError && error.code === 'CARD_TOO_LARGE') return false;
          throw error;
        }
      });
      const expected = renderCard(
        'response-actions',
        actionsCardData({ ...input, ...actionSteps[first] }),
      );
      assert.deepEqual(card, expected);
    }
  });
});

describe('cards: shrinkToFit with a size lower bound', () => {
  const fits = (step: number): AdaptiveCard => ({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: `${step}` }],
  });
  const tooLarge = (step: number) =>
    new CardRenderError({
      code: 'CARD_TOO_LARGE',
      cardName: 'response-actions',
      message: `${step}`,
    });

  it('does not render a larger step whose bound is over the budget', () => {
    const steps = [0, 1, 2, 3];
    const render = (step: number) => {
      if (step < 2) throw tooLarge(step);
      return fits(step);
    };
    shrinkToFit(steps, render); // learns that step 2 fits
    const tried: number[] = [];
    const card = shrinkToFit(
      steps,
      (step) => (tried.push(step), render(step)),
      () => maxCardBytes + 2,
    );
    assert.deepEqual(tried, [2]);
    assert.deepEqual(card, fits(2));
  });

  it('renders the larger step when its bound is within the budget', () => {
    const steps = [0, 1, 2, 3];
    shrinkToFit(steps, (step) => {
      if (step < 2) throw tooLarge(step);
      return fits(step);
    });
    const tried: number[] = [];
    const card = shrinkToFit(
      steps,
      (step) => (tried.push(step), fits(step)),
      () => maxCardBytes,
    );
    assert.deepEqual(tried, [2, 1, 0]);
    assert.deepEqual(card, fits(0));
  });
});
