// The high-value part of the Actions card: the reason and the name box, by viewer and by what
// Defender said, checked by the official Adaptive Cards parser.
import assert from 'node:assert/strict';
import type { DeviceLookup } from '../../src/domain/device-facts.ts';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import { newAction } from '../../src/features/managed-response/publish-input.ts';
import { renderActionsCard, type ViewerKind } from '../../cards/response-actions.ts';
import { nodesOfType } from './card-nodes.ts';
import { assertValidCard } from './validate-card.ts';
import { texts } from '../features/managed-response/card-helpers.ts';
import { isolate, publication, resetPassword } from '../features/managed-response/fixtures.ts';
import { contoso, incident, TENANT } from '../features/managed-response/harness.ts';

const DEVICE = isolate.device?.id ?? '';

function response(): ManagedResponse {
  const at = '2026-03-02T09:30:00Z';
  return {
    tenantId: TENANT,
    incidentId: '2972403',
    summary: publication().summary,
    actions: [isolate, resetPassword].map((a) => newAction(a, contoso(), at)),
    publishedAt: at,
    updatedAt: at,
  };
}

function card(viewer: ViewerKind, lookup: DeviceLookup, highValueTags: string[] = ['Tier 0']) {
  const rendered = renderActionsCard({
    response: response(),
    incident: incident(),
    viewer,
    refreshUserIds: [],
    devices: { lookups: new Map([[DEVICE, lookup]]), nowMs: Date.now(), highValueTags },
  });
  assertValidCard(rendered);
  return rendered;
}

const tagged: DeviceLookup = {
  kind: 'facts',
  facts: { id: DEVICE, name: 'PROD-SERVER-01', tags: ['tier 0', 'Production'] },
};

describe('high-value devices on the Actions card', () => {
  it("gives an operator the reason and a box named after the action, Defender's name shown", () => {
    const rendered = card('operator', tagged);
    assert.match(
      texts(rendered),
      /🔒 PROD-SERVER-01 is a high-value device for your organisation \(tier 0\): to isolate it, type its name below to confirm\./,
    );
    const [input] = nodesOfType(rendered, 'Input.Text');
    assert.equal(input?.['id'], 'deviceName-act-isolate');
    assert.equal(input?.['label'], 'Device name (PROD-SERVER-01)');
  });

  it('shows readers and the shared base card the reason, without a box', () => {
    for (const viewer of ['reader', 'shared'] as const) {
      const rendered = card(viewer, tagged);
      assert.match(texts(rendered), /a Security Operator must type its name to confirm/);
      assert.deepEqual(nodesOfType(rendered, 'Input.Text'), [], viewer);
    }
  });

  it('asks nothing for an untagged device or a tenant without high-value tags', () => {
    const plain: DeviceLookup = { kind: 'facts', facts: { id: DEVICE, name: 'x', tags: ['Web'] } };
    assert.deepEqual(nodesOfType(card('operator', plain), 'Input.Text'), []);
    assert.deepEqual(nodesOfType(card('operator', tagged, []), 'Input.Text'), []);
    assert.doesNotMatch(texts(card('operator', tagged, [])), /high-value/);
  });

  it('asks for the published name when Defender could not be asked', () => {
    const rendered = card('operator', { kind: 'unavailable' });
    assert.match(
      texts(rendered),
      /Defender could not say whether prod-server-01 is a high-value device/,
    );
    assert.equal(nodesOfType(rendered, 'Input.Text').length, 1);
  });
});
