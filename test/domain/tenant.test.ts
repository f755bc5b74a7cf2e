import assert from 'node:assert/strict';
import { canManageContacts, incidentContacts, isIncidentContact } from '../../src/domain/tenant.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import { TENANT } from './builders.ts';

const tenant: CustomerTenant = {
  tenantId: TENANT,
  name: 'Contoso',
  expertsAccess: 'reader',
  roles: { operators: [], readers: [] },
  contacts: {
    primary: [{ userId: 'aaaa-1', name: 'Ada' }, { userId: 'bbbb-2' }],
    secondary: [
      { userId: 'AAAA-1', name: 'Ada again' },
      { userId: 'cccc-3', name: 'Cy' },
    ],
  },
  admins: ['dddd-4'],
  socChannels: [{ teamId: 'team-1', channelId: '19:soc@thread.tacv2', name: 'SOC' }],
};

describe('customer tenant', () => {
  it('lists primary then secondary contacts, each user once', () => {
    assert.deepEqual(
      incidentContacts(tenant).map((c) => c.userId),
      ['aaaa-1', 'bbbb-2', 'cccc-3'],
    );
  });

  it('recognises contacts of either list, ignoring case', () => {
    assert.equal(isIncidentContact(tenant, 'CCCC-3'), true);
    assert.equal(isIncidentContact(tenant, 'bbbb-2'), true);
    assert.equal(isIncidentContact(tenant, 'dddd-4'), false);
  });

  it('lets only admins manage contacts', () => {
    assert.equal(canManageContacts(tenant, 'DDDD-4'), true);
    assert.equal(canManageContacts(tenant, 'aaaa-1'), false);
  });
});
