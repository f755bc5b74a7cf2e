// The SOC copy published before its SOC incident card exists waits ("deferred") and is sent by
// the managed-response sweep. The sweep finds such copies in their own index, not by reading
// every copy ever made (one or more per published incident), and a store written before the
// index still has its waiting copies sent.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  COPIES_COLLECTION,
  DEFERRED_COPIES,
} from '../../../src/features/managed-response/card-copies.ts';
import { publish } from './card-helpers.ts';
import { harness, TENANT } from './harness.ts';

async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached within 2 s');
}

describe('managed response: deferred SOC copies', () => {
  it('are indexed while they wait, and sent by the sweep without reading every copy', async () => {
    const h = await harness({ sweepIntervalMs: 5 });
    await publish(h);
    assert.equal(h.messenger.messages.length, 0, 'no SOC card yet');
    const waiting = await h.store.list(DEFERRED_COPIES);
    assert.equal(waiting.length, 1);
    const list = sinon.spy(h.store, 'list');
    h.feature.start();
    try {
      // Sweeps with nothing to send yet: the index is read, the copies are not listed.
      await eventually(
        () => list.getCalls().filter((c) => c.args[0] === DEFERRED_COPIES).length >= 5,
      );
      await h.postSocCard();
      await eventually(async () => {
        await h.delivery.drain();
        return h.messenger.messages.length === 3;
      });
    } finally {
      await h.feature.stop();
      list.restore();
    }
    const [root, ...replies] = h.messenger.messages;
    assert.ok(replies.every((r) => r.replyTo?.activityId === root!.location.activityId));
    assert.deepEqual(await h.store.list(DEFERRED_COPIES), [], 'sent: out of the index');
    // Once, to index a store written before the index (here: a new one); never per sweep.
    const wholeCopies = list
      .getCalls()
      .filter(
        (c) => c.args[0] === COPIES_COLLECTION && !(c.args[1] as { prefix?: string })?.prefix,
      );
    assert.ok(wholeCopies.length <= 1, `copies listed whole ${wholeCopies.length} times`);
  });

  it('are still sent from a store written before the index', async () => {
    const h = await harness({ sweepIntervalMs: 5 });
    await publish(h);
    // As an older version left it: the deferred copy, no index entry, no marker.
    const [entry] = await h.store.list(DEFERRED_COPIES);
    await h.store.delete(DEFERRED_COPIES, entry!.key);
    const [copy] = await h.store.list<{ state: string; tenantId: string }>(COPIES_COLLECTION);
    assert.equal(copy?.value.state, 'deferred');
    assert.equal(copy.value.tenantId, TENANT);
    await h.postSocCard();
    h.feature.start();
    try {
      await eventually(async () => {
        await h.delivery.drain();
        return h.messenger.messages.length === 3;
      });
    } finally {
      await h.feature.stop();
    }
    assert.deepEqual(await h.store.list(DEFERRED_COPIES), []);
  });
});
