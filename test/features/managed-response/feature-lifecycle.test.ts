import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DefenderRequestError } from '../../../src/defender/errors.ts';
import { GraphIncidentsClient } from '../../../src/defender/graph-incidents-client.ts';
import { FakeFetch, spentGate, stopsWithin, testHttpClient } from '../../defender/fakes.ts';
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

  it('stops at once while the sweep waits for the Graph rate limit, leaving the task due', async () => {
    const h = await harness({ sweepIntervalMs: 5 });
    const gate = await spentGate(); // the tenant's Graph quota is spent for a minute
    const fetch = new FakeFetch(); // any request reaching it fails the run
    const graph = new GraphIncidentsClient(testHttpClient(fetch, { gate }), TENANT);
    const { incidents } = h.defender;
    const routed = [
      sinon.stub(incidents, 'updateIncident').callsFake((...args) => graph.updateIncident(...args)),
      sinon.stub(incidents, 'addComment').callsFake(async (...args) => {
        await graph.addComment(...args);
        return [];
      }),
    ];
    const { task, op } = h.feature.tasks.create({
      tenantId: TENANT,
      incidentId: '2972403',
      kind: 'handBack',
      comment: 'Back to the experts.',
    });
    await h.store.batch([op]);

    h.feature.start();
    await eventually(() => gate.waiting === 1);
    // On the old code stop waits for the gate's minute.
    assert.equal(await stopsWithin(() => h.feature.stop(), 1_000), 'stopped');
    assert.equal(gate.waiting, 0);
    assert.equal(fetch.calls.length, 0, 'nothing was sent to Graph');
    const [left] = await h.feature.tasks.pending();
    assert.equal(left?.id, task.id);
    assert.equal(left.attempts, 0, 'the abandoned run is not an attempt');
    assert.equal(left.notBefore, undefined, 'still due');
    assert.equal(left.lastError, undefined);
    assert.notEqual(left.failed, true);

    for (const stub of routed) stub.restore(); // the next sweep (here, or the next owner) runs it
    h.feature.start();
    try {
      await eventually(async () => (await h.feature.tasks.pending()).length === 0);
    } finally {
      await h.feature.stop();
    }
    assert.deepEqual(incidents.updates, [
      { id: '2972403', update: { status: 'inProgress', assignedTo: 'Defender Experts' } },
    ]);
    assert.deepEqual(incidents.comments, [{ id: '2972403', comment: 'Back to the experts.' }]);
  });
});
