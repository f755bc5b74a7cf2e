import assert from 'node:assert/strict';
import { DefenderRequestError } from '../../../src/defender/errors.ts';
import { publication, expert } from './fixtures.ts';
import { harness, TENANT } from './harness.ts';

async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached within 1 s');
}

describe('managed response feature: start and stop', () => {
  it('retries a hand-over Graph refused, in the background, until stopped', async () => {
    const h = await harness({ sweepIntervalMs: 5 });
    h.defender.incidents.failures.push(
      new DefenderRequestError('graph', 503, 'ServiceUnavailable', 'busy'),
    );
    const result = await h.feature.publishing.publish(TENANT, '2972403', publication(), expert);
    assert.equal(result.incidentUpdate, 'queued');
    assert.equal(h.defender.incidents.updates.length, 0);
    h.advance(60_000); // past the task's backoff
    h.feature.start();
    try {
      await eventually(() => h.defender.incidents.updates.length === 1);
      assert.deepEqual(await h.feature.tasks.pending(), []);
    } finally {
      await h.feature.stop();
    }
    assert.deepEqual(h.defender.incidents.updates[0]?.update, {
      status: 'active',
      assignedTo: 'Customer',
    });
  });
});
