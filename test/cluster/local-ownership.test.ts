import assert from 'node:assert/strict';
import { LocalOwnership } from '../../src/cluster/local-ownership.ts';

describe('LocalOwnership', () => {
  it('owns every tenant from start to stop, with an event each way', async () => {
    const ownership = new LocalOwnership(['t1', 't2']);
    const events: string[] = [];
    ownership.subscribe({
      gained: (t) => void events.push(`+${t}`),
      lost: (t, reason) => void events.push(`-${t} ${reason}`),
    });
    assert.equal(ownership.owns('t1'), false);
    await ownership.start();
    assert.deepEqual(ownership.owned(), ['t1', 't2']);
    assert.equal(ownership.owns('t2'), true);
    assert.equal(ownership.owns('other'), false);
    await ownership.stop();
    assert.deepEqual(ownership.owned(), []);
    assert.deepEqual(events, ['+t1', '+t2', '-t1 released', '-t2 released']);
  });

  it('reports a failing listener instead of throwing it', async () => {
    const errors: string[] = [];
    const ownership = new LocalOwnership(['t1'], (_error, context) => errors.push(context));
    ownership.subscribe({
      gained: () => {
        throw new Error('boom');
      },
    });
    await ownership.start();
    assert.equal(ownership.owns('t1'), true);
    assert.deepEqual(errors, ['ownership listener (gained) for tenant t1']);
  });
});
