// The incident finder: the stored snapshot costs nothing; asking Defender about an incident not
// stored yet first takes a look-up from the asker's budget, and a spent budget asks nothing.
import assert from 'node:assert/strict';
import { DefenderNotFoundError } from '../../../src/defender/errors.ts';
import { incidentFinder } from '../../../src/features/chat/incident-finder.ts';
import { BudgetExceededError } from '../../../src/platform/budgets.ts';
import { ALEX, CONTOSO, CONTOSO_INCIDENT, incidentOf } from './chat-fixture.ts';

describe('incident finder and the look-up budget', () => {
  const stored = incidentOf(CONTOSO, CONTOSO_INCIDENT);
  const directory = {
    get: async (_tenantId: string, incidentId: string) =>
      incidentId === CONTOSO_INCIDENT ? stored : undefined,
  };

  function finder(options: { spendFails?: boolean } = {}) {
    const spent: [string, string | undefined][] = [];
    const fetched: string[] = [];
    const find = incidentFinder({
      directory,
      fetch: async (_tenantId, incidentId) => {
        fetched.push(incidentId);
        if (incidentId === '9000001') return incidentOf(CONTOSO, incidentId);
        throw new DefenderNotFoundError('graph', 'incident', incidentId);
      },
      spend: async (tenantId, userId) => {
        if (options.spendFails) {
          throw new BudgetExceededError({ kind: 'lookup', scope: 'user', retryAfterSeconds: 9 });
        }
        spent.push([tenantId, userId]);
      },
    });
    return { find, spent, fetched };
  }

  it('answers from the stored snapshot without spending anything', async () => {
    const { find, spent, fetched } = finder({ spendFails: true });
    assert.equal(await find(CONTOSO, CONTOSO_INCIDENT, { userId: ALEX }), stored);
    assert.deepEqual([spent, fetched], [[], []]);
  });

  it("spends one look-up of the asker's budget per Defender call, found or not", async () => {
    const { find, spent, fetched } = finder();
    assert.equal((await find(CONTOSO, '9000001', { userId: ALEX }))?.id, '9000001');
    assert.equal(await find(CONTOSO, '9000002', { userId: ALEX }), undefined);
    assert.deepEqual(spent, [
      [CONTOSO, ALEX],
      [CONTOSO, ALEX],
    ]);
    assert.deepEqual(fetched, ['9000001', '9000002']);
  });

  it('asks Defender nothing once the budget is spent, and says so with the typed error', async () => {
    const { find, fetched } = finder({ spendFails: true });
    await assert.rejects(find(CONTOSO, '9000001', { userId: ALEX }), BudgetExceededError);
    assert.deepEqual(fetched, []);
  });
});
