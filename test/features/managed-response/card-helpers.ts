// Reading managed-response cards in tests: which buttons are live, which texts show.
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { CardActionResult } from '../../../src/features/managed-response/card-action-service.ts';
import { executeButtons, visibleTexts } from '../../cards/card-nodes.ts';
import type { Harness } from './harness.ts';
import { expert, publication } from './fixtures.ts';
import { isOneClick, type OneClickAction } from '../../../src/domain/response-action.ts';
import type { ActionInput } from '../../../src/features/managed-response/publish-input.ts';

export function cardOf(result: CardActionResult): AdaptiveCard {
  assert.equal(result.kind, 'card', `expected a card, got ${JSON.stringify(result)}`);
  return (result as { card: AdaptiveCard }).card;
}

export function texts(card: unknown): string {
  return visibleTexts(card).join('\n');
}

/** `verb(actionId)` for every Action.Execute button, with "(off)" when it is disabled. */
export function buttons(card: AdaptiveCard): string[] {
  return executeButtons(card)
    .filter((b) => b['verb'] !== 'chatWithExperts')
    .map((b) => {
      const data = b['data'] as { actionId?: string };
      const off = b['isEnabled'] === false ? ' (off)' : '';
      return `${String(b['verb'])}(${data.actionId ?? ''})${off}`;
    });
}

export async function publish(h: Harness, actions?: ActionInput[]) {
  const result = await h.feature.publishing.publish(
    '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b',
    '2972403',
    publication(actions),
    expert,
  );
  await h.settle();
  return result;
}

export async function stored(h: Harness, incidentId = '2972403') {
  return (await h.feature.publishing.get('6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b', incidentId))
    .response;
}

export async function action(h: Harness, id: string) {
  const found = (await stored(h)).actions.find((a) => a.id === id);
  assert.ok(found, `no action ${id}`);
  return found;
}

export async function oneClick(h: Harness, id: string): Promise<OneClickAction> {
  const found = await action(h, id);
  assert.ok(isOneClick(found), `${id} is not a one-click action`);
  return found;
}

/** The latest content of each posted Actions card, as JSON text. */
export function actionsCards(h: Harness): string[] {
  return h.messenger.cards().filter((c) => c.includes('Pending actions'));
}
