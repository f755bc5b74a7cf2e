import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { DeliveryRecord } from '../../../src/delivery/delivery-job.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { socThreadResolver } from '../../../src/features/chat/soc-thread-resolver.ts';
import { socMessageKey } from '../../../src/shared/message-keys.ts';

const TENANT = 'Tenant-A';
const CHANNEL = '19:soc@thread.tacv2';
const tenant = {
  tenantId: TENANT,
  socChannels: [{ channelId: CHANNEL }],
} as unknown as CustomerTenant;
const thread = (root: string) => `${CHANNEL};messageid=${root}`;

function setup(options: { roots?: Record<string, string>; cards?: Record<string, string> } = {}) {
  const roots = options.roots ?? {};
  const cards = options.cards ?? {}; // message key → activity id (cards from before the index)
  const incidents = ['100', '200', '300'].map((id) => ({ id }) as Incident);
  const listForTenant = sinon.fake(async () => incidents);
  const findDelivery = sinon.fake(async (key: string) =>
    cards[key] ? ({ activityId: cards[key] } as DeliveryRecord) : undefined,
  );
  const findThreadRoot = sinon.fake(
    async (_kind: string, _tenant: string, _conversation: string, activityId: string) =>
      roots[activityId],
  );
  const resolve = socThreadResolver({ directory: { listForTenant }, findDelivery, findThreadRoot });
  return { resolve, listForTenant, findThreadRoot };
}

describe('socThreadResolver', () => {
  it("finds a thread's incident from the card's root record, without walking the incidents", async () => {
    const { resolve, listForTenant, findThreadRoot } = setup({
      roots: { '1712': socMessageKey(TENANT, '200', CHANNEL) },
    });
    assert.equal(await resolve(tenant, thread('1712')), '200');
    assert.equal(listForTenant.callCount, 0);
    assert.deepEqual(findThreadRoot.firstCall.args, ['soc', TENANT, thread('1712'), '1712']);
  });

  it('ignores a root record that names another tenant or channel', async () => {
    const { resolve, listForTenant } = setup({
      roots: { '1712': socMessageKey('other-tenant', '200', CHANNEL) },
    });
    assert.equal(await resolve(tenant, thread('1712')), undefined);
    assert.equal(listForTenant.callCount, 1, 'fell back to the walk, which found no card');
  });

  it('finds a card delivered before root records by the walk, once per thread', async () => {
    const { resolve, listForTenant } = setup({
      cards: { [socMessageKey(TENANT, '300', CHANNEL)]: '99' },
    });
    assert.equal(await resolve(tenant, thread('99')), '300');
    assert.equal(await resolve(tenant, thread('99')), '300');
    assert.equal(listForTenant.callCount, 1);
  });

  it('walks a thread that is no incident card once, not on every message', async () => {
    const { resolve, listForTenant } = setup();
    assert.equal(await resolve(tenant, thread('5')), undefined);
    assert.equal(await resolve(tenant, thread('5')), undefined);
    assert.equal(listForTenant.callCount, 1);
  });

  it('answers nothing for a message outside a thread or outside the SOC channels', async () => {
    const { resolve, findThreadRoot } = setup();
    assert.equal(await resolve(tenant, CHANNEL), undefined);
    assert.equal(await resolve(tenant, '19:other@thread.tacv2;messageid=5'), undefined);
    assert.equal(findThreadRoot.callCount, 0);
  });
});
