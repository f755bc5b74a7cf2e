// Budgets per user and per tenant: the limits, the refusal's retry time, the user's unit given
// back when the tenant refuses, one log line per refusal window. Sinon's fake clock drives the
// limiter's windows (rate-limiter-flexible reads Date.now and expires with setTimeout).
import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  BudgetExceededError,
  Budgets,
  defaultBudgets,
  type BudgetSettings,
} from '../../src/platform/budgets.ts';
import { RecordingLogger } from '../delivery/recording-logger.ts';

const CONTOSO = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const FABRIKAM = '0b1c2d3e-4f50-4617-8283-949596979899';
const ALEX = { tenantId: CONTOSO, userId: 'alex' };
const MEGAN = { tenantId: CONTOSO, userId: 'megan' };

const small: BudgetSettings = {
  ...defaultBudgets,
  message: { perUser: 3, perTenant: 5, windowSeconds: 60 },
  lookup: { perUser: 2, perTenant: 10, windowSeconds: 600 },
};

describe('budgets per user and tenant', () => {
  let clock: sinon.SinonFakeTimers;
  let logger: RecordingLogger;
  let budgets: Budgets;

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: new Date('2026-03-01T08:00:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
    });
    logger = new RecordingLogger();
    budgets = new Budgets(small, { logger });
  });
  afterEach(() => clock.restore());

  const takeN = async (n: number, who: { tenantId: string; userId?: string }) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await budgets.take('message', who));
    return results;
  };

  it("refuses a user's unit over the limit, saying when the window ends", async () => {
    const results = await takeN(3, ALEX);
    assert.deepEqual(results, [undefined, undefined, undefined]);
    await clock.tickAsync(20_000);
    assert.deepEqual(await budgets.take('message', ALEX), {
      kind: 'message',
      scope: 'user',
      retryAfterSeconds: 40,
    });
    // Others in the tenant still have theirs.
    assert.equal(await budgets.take('message', MEGAN), undefined);
  });

  it('starts a new window when the old one ends', async () => {
    await takeN(4, ALEX);
    await clock.tickAsync(60_000);
    assert.deepEqual(await takeN(3, ALEX), [undefined, undefined, undefined]);
  });

  it("caps the tenant as a whole, and gives the user's unit back when the tenant refuses", async () => {
    const nestor = { tenantId: CONTOSO, userId: 'nestor' };
    await takeN(3, ALEX); // the tenant's window runs from 0 to 60 s
    await clock.tickAsync(30_000);
    await takeN(2, MEGAN);
    const refused = await takeN(3, nestor); // his own window runs from 30 to 90 s
    assert.deepEqual(
      refused.map((r) => r?.scope),
      ['tenant', 'tenant', 'tenant'],
    );
    // The tenant's window is over, Nestor's is not: his refused messages did not count.
    await clock.tickAsync(31_000);
    assert.deepEqual(await takeN(3, nestor), [undefined, undefined, undefined]);
  });

  it('keeps tenants apart and kinds apart', async () => {
    await takeN(5, { tenantId: CONTOSO });
    assert.equal((await budgets.take('message', { tenantId: CONTOSO }))?.scope, 'tenant');
    assert.equal(await budgets.take('message', { tenantId: FABRIKAM, userId: 'alex' }), undefined);
    assert.equal(await budgets.take('lookup', ALEX), undefined);
  });

  it('matches users and tenants whatever the case of their ids', async () => {
    await takeN(3, ALEX);
    const shouted = { tenantId: CONTOSO.toUpperCase(), userId: 'ALEX' };
    assert.equal((await budgets.take('message', shouted))?.scope, 'user');
  });

  it('logs the first refusal of each window once, not every refused unit', async () => {
    await takeN(3, ALEX);
    await takeN(50, ALEX);
    const lines = logger.matching('warn', 'budget');
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]?.details, {
      budget: 'message',
      scope: 'user',
      tenantId: CONTOSO,
      userId: 'alex',
      limit: 3,
      windowSeconds: 60,
      retryAfterSeconds: 60,
    });
    await clock.tickAsync(60_000);
    await takeN(10, ALEX);
    assert.equal(logger.matching('warn', 'budget').length, 2, 'once more in the next window');
  });

  it('spend() throws BudgetExceededError with the refusal', async () => {
    await budgets.spend('lookup', ALEX);
    await budgets.spend('lookup', ALEX);
    const error = await budgets.spend('lookup', ALEX).catch((e: unknown) => e);
    assert.ok(error instanceof BudgetExceededError);
    assert.deepEqual(error.refusal, { kind: 'lookup', scope: 'user', retryAfterSeconds: 600 });
  });

  it('defaults: 30 messages and 60 clicks a minute, 20 look-ups in 10 minutes per user', () => {
    assert.deepEqual(defaultBudgets, {
      message: { perUser: 30, perTenant: 300, windowSeconds: 60 },
      cardAction: { perUser: 60, perTenant: 600, windowSeconds: 60 },
      lookup: { perUser: 20, perTenant: 100, windowSeconds: 600 },
    });
  });
});
