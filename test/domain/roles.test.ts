import assert from 'node:assert/strict';
import { NotPermittedError } from '../../src/domain/errors.ts';
import { assertCanRunActions, canRunActions, resolveRole } from '../../src/domain/roles.ts';
import type { RoleMapping } from '../../src/domain/roles.ts';

const USER = 'a1b2c3d4-1111-4111-8111-111111111111';
const SOC_GROUP = 'bbbbcccc-2222-4222-8222-22222222abcd';
const OTHER_GROUP = 'ddddeeee-3333-4333-8333-33333333abcd';

describe('roles', () => {
  const mapping: RoleMapping = { operators: [SOC_GROUP], readers: [OTHER_GROUP] };

  it('makes everyone a reader when the tenant has no mapping', () => {
    assert.equal(resolveRole(undefined, USER, [SOC_GROUP]), 'securityReader');
  });

  it('makes a user listed as operator an operator', () => {
    assert.equal(resolveRole({ operators: [USER], readers: [] }, USER), 'securityOperator');
  });

  it('makes a member of an operator group an operator', () => {
    assert.equal(resolveRole(mapping, USER, [OTHER_GROUP, SOC_GROUP]), 'securityOperator');
  });

  it('compares object ids case-insensitively', () => {
    assert.equal(resolveRole(mapping, USER, [SOC_GROUP.toUpperCase()]), 'securityOperator');
    const upperMapping: RoleMapping = { operators: [USER.toUpperCase()], readers: [] };
    assert.equal(resolveRole(upperMapping, USER), 'securityOperator');
  });

  it('makes readers and unlisted users readers', () => {
    assert.equal(resolveRole(mapping, USER, [OTHER_GROUP]), 'securityReader');
    assert.equal(resolveRole(mapping, USER, []), 'securityReader');
  });

  it('lets an operator group win over a reader listing of the user', () => {
    const both: RoleMapping = { operators: [SOC_GROUP], readers: [USER] };
    assert.equal(resolveRole(both, USER, [SOC_GROUP]), 'securityOperator');
  });

  it('never matches an empty id against an empty entry', () => {
    assert.equal(resolveRole({ operators: [''], readers: [] }, '', ['']), 'securityReader');
  });

  it('lets only operators run actions', () => {
    assert.equal(canRunActions('securityOperator'), true);
    assert.equal(canRunActions('securityReader'), false);
    assert.doesNotThrow(() => assertCanRunActions('securityOperator'));
    assert.throws(
      () => assertCanRunActions('securityReader'),
      (e: unknown) => e instanceof NotPermittedError && e.code === 'NOT_PERMITTED',
    );
  });
});
