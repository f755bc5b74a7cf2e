import assert from 'node:assert/strict';
import { cardSizeBytes, maxCardBytes } from '../../cards/card-size.ts';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import { actionsCardData, SHARED_HINT } from '../../cards/response-actions.ts';
import { newAction } from '../../src/features/managed-response/publish-input.ts';
import { renderActionsCard } from '../../cards/response-actions.ts';
import { renderSummaryCard } from '../../cards/investigation-summary.ts';
import { foldText, summaryCardData } from '../../cards/investigation-summary.ts';
import { assertValidCard } from './validate-card.ts';
import { buttons, texts } from '../features/managed-response/card-helpers.ts';
import { isolate, publication, resetPassword } from '../features/managed-response/fixtures.ts';
import { contoso, incident, TENANT } from '../features/managed-response/harness.ts';

function response(actions = [isolate, resetPassword]): ManagedResponse {
  const at = '2026-03-02T09:30:00Z';
  return {
    tenantId: TENANT,
    incidentId: '2972403',
    summary: publication().summary,
    actions: actions.map((a) => newAction(a, contoso(), at)),
    publishedAt: at,
    updatedAt: at,
  };
}

describe('managed response cards: data and size', () => {
  it('gives the shared base card greyed buttons and tells operators how to get theirs', () => {
    const card = renderActionsCard({
      response: response(),
      incident: incident(),
      viewer: 'shared',
      refreshUserIds: [],
    });
    assertValidCard(card);
    assert.ok(buttons(card).every((b) => b.endsWith('(off)')));
    assert.ok(texts(card).includes(SHARED_HINT));
    assert.doesNotMatch(texts(card), /You have Security Reader access/);
  });

  it('gives an operator live buttons with the run label of each kind', () => {
    const card = renderActionsCard({
      response: response(),
      incident: incident(),
      viewer: 'operator',
      refreshUserIds: ['29:a'],
    });
    assertValidCard(card);
    assert.deepEqual(buttons(card), [
      'runAction(act-isolate)',
      'requestComplete(act-reset)',
      'requestSkip(act-reset)',
    ]);
    assert.match(texts(card), /One-click action · Isolate device \(full\)/);
    assert.deepEqual((card.refresh as { userIds: string[] }).userIds, ['29:a']);
  });

  it('keeps at most 60 distinct refresh user ids', () => {
    const ids = Array.from({ length: 80 }, (_, i) => `29:user-${i % 70}`);
    const data = actionsCardData({
      response: response(),
      incident: incident(),
      viewer: 'operator',
      refreshUserIds: ids,
    });
    assert.equal(data.refreshUserIds.length, 60);
    assert.equal(new Set(data.refreshUserIds).size, 60);
  });

  it('shortens texts until 50 long actions fit into the Teams budget', () => {
    const long = 'x'.repeat(3_990);
    const many = Array.from({ length: 50 }, (_, i) => ({
      ...isolate,
      id: `act-${i}`,
      title: `Isolate device number ${i} ${'y'.repeat(150)}`,
      description: long,
      impact: long.slice(0, 900),
    }));
    const card = renderActionsCard({
      response: response(many),
      incident: incident(),
      viewer: 'operator',
      refreshUserIds: [],
    });
    assert.ok(cardSizeBytes(card) < maxCardBytes);
    assert.ok(buttons(card).length >= 4);
    assert.match(texts(card), /more actions are not shown on this card/);
  });

  it('folds the narrative at a sentence and the long lists behind "Show more"', () => {
    const narrative = `${'First sentence is here. '.repeat(20)}Tail.`;
    const folded = foldText(narrative, { narrativeVisible: 100, narrativeTotal: 1_000 });
    assert.ok(folded.visible.endsWith('.'));
    assert.ok(folded.visible.length <= 100);
    assert.equal(`${folded.visible} ${folded.folded[0]?.text}`, narrative.trim());
    const r = response();
    r.summary = {
      ...r.summary,
      narrative,
      indicatorsOfCompromise: Array.from({ length: 9 }, (_, i) => ({
        type: 'ip',
        value: `10.0.0.${i}`,
      })),
    };
    const data = summaryCardData(r, incident());
    const ioc = data.indicatorsOfCompromise[0]!;
    assert.equal(ioc.visible.length, 4);
    assert.equal(ioc.folded[0]?.count, 5);
    assertValidCard(renderSummaryCard(r, incident()));
  });

  it('shortens a huge summary until it fits', () => {
    const r = response();
    const row = (i: number) => ({
      type: 'file',
      value: `${'v'.repeat(990)}${i}`,
      description: 'd'.repeat(990),
    });
    r.summary = {
      ...r.summary,
      narrative: 'n '.repeat(10_000),
      indicatorsOfAttack: Array.from({ length: 200 }, (_, i) => row(i)),
      indicatorsOfCompromise: Array.from({ length: 200 }, (_, i) => row(i)),
      timeline: Array.from({ length: 200 }, (_, i) => ({
        at: '2026-03-02T08:00:00Z',
        device: 'd',
        event: `${'e'.repeat(990)}${i}`,
      })),
    };
    const card = renderSummaryCard(r, incident());
    assert.ok(cardSizeBytes(card) < maxCardBytes);
  });
});
