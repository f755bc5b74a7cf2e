import assert from 'node:assert/strict';
import { percentile } from '../../../src/domain/report/percentile.ts';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    assert.equal(percentile([1, 2, 3, 10], 50), 2.5);
    assert.equal(percentile([3, 1, 2], 50), 2);
    assert.ok(Math.abs((percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) ?? 0) - 9.1) < 1e-9);
    assert.equal(percentile([7], 90), 7);
    assert.equal(percentile([1, 5], 0), 1);
    assert.equal(percentile([1, 5], 100), 5);
  });

  it('is null for no values and leaves its input unsorted', () => {
    assert.equal(percentile([], 50), null);
    const values = [3, 1, 2];
    percentile(values, 90);
    assert.deepEqual(values, [3, 1, 2]);
  });

  it('refuses a rank outside 0–100', () => {
    assert.throws(() => percentile([1], 101), RangeError);
  });
});
