import assert from 'node:assert/strict';
import {
  ActionFinishedError,
  assertSameTenant,
  ConflictingActionError,
  DomainError,
  ForeignTenantError,
  IllegalTransitionError,
  InvalidInputError,
  isDomainError,
  NotFoundError,
  NotPermittedError,
} from '../../src/domain/errors.ts';

describe('domain errors', () => {
  it('gives each subclass its stable code', () => {
    const cases: [DomainError, string][] = [
      [
        new IllegalTransitionError({
          actionId: 'a',
          from: 'pending',
          event: 'succeed',
          message: 'm',
        }),
        'ILLEGAL_TRANSITION',
      ],
      [new NotPermittedError(), 'NOT_PERMITTED'],
      [new ActionFinishedError('a', 'completed', 'Isolate'), 'ACTION_FINISHED'],
      [new ConflictingActionError('a', 'b', 'm'), 'CONFLICTING_ACTION'],
      [new NotFoundError('incident', '42'), 'NOT_FOUND'],
      [new ForeignTenantError('t1', 't2'), 'FOREIGN_TENANT'],
      [new InvalidInputError('m'), 'INVALID_INPUT'],
    ];
    for (const [error, code] of cases) {
      assert.ok(error instanceof DomainError && error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(isDomainError(error), true);
      assert.equal(isDomainError(error, 'NOT_FOUND'), code === 'NOT_FOUND');
    }
    assert.equal(isDomainError(new Error('plain')), false);
  });

  it('does not reveal tenant ids in the foreign tenant message', () => {
    const a = '6f1c2a34-1b2c-4d5e-8f90-1234567890ab';
    const b = '7f1c2a34-1b2c-4d5e-8f90-1234567890ab';
    assert.throws(
      () => assertSameTenant(a, b),
      (e: unknown) =>
        e instanceof ForeignTenantError &&
        !e.message.includes(a) &&
        !e.message.includes(b) &&
        e.actualTenantId === b,
    );
  });

  it('treats tenant ids that differ only in case as the same tenant', () => {
    assert.doesNotThrow(() => assertSameTenant('ABC-1', 'abc-1'));
  });
});
