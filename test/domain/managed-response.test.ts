import assert from 'node:assert/strict';
import { NotFoundError } from '../../src/domain/errors.ts';
import { findAction, replaceAction } from '../../src/domain/managed-response.ts';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import { manual, oneClick, T0, T1, TENANT } from './builders.ts';

const response: ManagedResponse = {
  tenantId: TENANT,
  incidentId: '2972395',
  summary: {
    headline: 'Credential theft on PROD-SRV-01',
    narrative: 'An attacker used stolen credentials.',
    severity: 'high',
    potentialImpact: 'Lateral movement',
    timeline: [],
    indicatorsOfAttack: [],
    indicatorsOfCompromise: [],
  },
  actions: [oneClick(), manual()],
  publishedAt: T0,
  updatedAt: T0,
};

describe('managed response', () => {
  it('finds an action by id', () => {
    assert.equal(findAction(response, 'man-1').kind, 'manual');
  });

  it('answers NOT_FOUND for an unknown action id', () => {
    assert.throws(
      () => findAction(response, 'withdrawn'),
      (e: unknown) => e instanceof NotFoundError && e.code === 'NOT_FOUND' && e.id === 'withdrawn',
    );
  });

  it('replaces one action and stamps the update time without touching the input', () => {
    const completed = manual({ status: 'completed' });
    const next = replaceAction(response, completed, T1);
    assert.equal(next.actions[1], completed);
    assert.equal(next.actions[0], response.actions[0]);
    assert.equal(next.updatedAt, T1);
    assert.equal(response.actions[1]?.status, 'pending');
    assert.throws(() => replaceAction(response, manual({ id: 'nope' }), T1), NotFoundError);
  });
});
