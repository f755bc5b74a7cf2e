import assert from 'node:assert/strict';
import {
  claimLapsesAt,
  isClaimActive,
  isClaimer,
  lastClaimActivity,
  type IncidentClaim,
} from '../../src/domain/incident-claim.ts';
import type { ManagedResponse } from '../../src/domain/managed-response.ts';
import { manual, TENANT } from './builders.ts';

const HOUR = 3_600_000;
const claim: IncidentClaim = {
  userId: 'AA-1',
  name: 'Alex Wilber',
  at: '2026-03-02T10:00:00.000Z',
};
const at = (h: number) => Date.parse(claim.at) + h * HOUR;

function responseWith(steps: { by: string; hoursAfter: number }[]): ManagedResponse {
  return {
    tenantId: TENANT,
    incidentId: '1',
    summary: { headline: 'h', narrative: '', severity: 'high' },
    actions: [
      manual({
        history: steps.map((s) => ({
          at: new Date(at(s.hoursAfter)).toISOString(),
          by: { userId: s.by, name: s.by },
          from: 'pending',
          to: 'completed',
        })),
      }),
    ],
    publishedAt: claim.at,
    updatedAt: claim.at,
  } as ManagedResponse;
}

describe('incident claim', () => {
  it('holds for the lapse time after the claim, then lapses', () => {
    assert.equal(isClaimActive(claim, undefined, at(3.9), 4 * HOUR), true);
    assert.equal(isClaimActive(claim, undefined, at(4), 4 * HOUR), false);
    assert.equal(isClaimActive(undefined, undefined, at(0), 4 * HOUR), false);
  });

  it("counts the claimer's own steps on the actions as activity, not other people's", () => {
    const response = responseWith([
      { by: 'aa-1', hoursAfter: 3 },
      { by: 'someone-else', hoursAfter: 6 },
    ]);
    assert.equal(lastClaimActivity(claim, response), at(3));
    assert.equal(claimLapsesAt(claim, response, 4 * HOUR), at(7));
    assert.equal(isClaimActive(claim, response, at(6.5), 4 * HOUR), true);
    assert.equal(isClaimActive(claim, response, at(7.5), 4 * HOUR), false);
  });

  it('knows the claimer by object id in any case', () => {
    assert.equal(isClaimer(claim, 'aa-1'), true);
    assert.equal(isClaimer(claim, 'bb-2'), false);
    assert.equal(isClaimer(undefined, 'aa-1'), false);
    assert.equal(isClaimer(claim, undefined), false);
  });
});
