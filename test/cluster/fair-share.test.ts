import assert from 'node:assert/strict';
import { fairShare, planOwnership, preferenceOrder } from '../../src/cluster/fair-share.ts';

const tenants = ['t1', 't2', 't3', 't4', 't5'];

describe('fair share of tenants', () => {
  it('is ceil(tenants / live instances)', () => {
    assert.equal(fairShare(5, 1), 5);
    assert.equal(fairShare(5, 2), 3);
    assert.equal(fairShare(5, 5), 1);
    assert.equal(fairShare(5, 8), 1);
    assert.equal(fairShare(5, 0), 5);
  });

  it('orders tenants per instance, stably, and differently between instances', () => {
    assert.deepEqual(preferenceOrder('a', tenants), preferenceOrder('a', [...tenants].reverse()));
    assert.deepEqual([...preferenceOrder('a', tenants)].sort(), tenants);
    const orders = new Set(['a', 'b', 'c', 'd'].map((id) => preferenceOrder(id, tenants).join()));
    assert.ok(orders.size > 1);
  });

  it('takes free tenants up to the share, most preferred first, never leased ones', () => {
    const plan = planOwnership({
      instanceId: 'a',
      tenants,
      owned: new Set(['t1']),
      leased: new Set(['t1', 't2']),
      liveInstances: 2,
    });
    assert.deepEqual(plan.release, []);
    assert.equal(plan.acquire.length, 2);
    assert.ok(plan.acquire.every((t) => t !== 't1' && t !== 't2'));
    const order = preferenceOrder('a', tenants).filter((t) => plan.acquire.includes(t));
    assert.deepEqual(plan.acquire, order);
  });

  it('gives up what is beyond the share, least preferred, and tenants no longer configured', () => {
    const all = new Set(tenants);
    const plan = planOwnership({
      instanceId: 'a',
      tenants,
      owned: all,
      leased: all,
      liveInstances: 2,
    });
    assert.deepEqual(plan.acquire, []);
    assert.deepEqual(plan.release, preferenceOrder('a', tenants).slice(3));
    const removed = planOwnership({
      instanceId: 'a',
      tenants: ['t1'],
      owned: new Set(['t1', 'gone']),
      leased: new Set(['t1', 'gone']),
      liveInstances: 1,
    });
    assert.deepEqual(removed.release, ['gone']);
  });
});
