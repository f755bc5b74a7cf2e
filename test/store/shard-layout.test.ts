import assert from 'node:assert/strict';
import {
  bitsFor,
  parseShardFileName,
  shardFileName,
  shardOf,
} from '../../src/store/shard-layout.ts';

describe('shard layout', () => {
  it('spreads keys that differ only in their last digits evenly over the shards', () => {
    for (const [count, bits] of [
      [60, 2],
      [10_000, 7],
    ] as const) {
      const shards = new Array<number>(2 ** bits).fill(0);
      for (let i = 0; i < count; i++)
        shards[shardOf(`inc-${String(i).padStart(5, '0')}`, bits)]! += 1;
      const mean = count / shards.length;
      assert.ok(
        Math.min(...shards) > mean / 2 && Math.max(...shards) < mean * 1.5,
        `${shards.join(',')}`,
      );
    }
  });

  it('doubles the shards as the bytes outgrow them, never shrinking', () => {
    assert.equal(bitsFor(100_000, 256 * 1024, 0), 0);
    assert.equal(bitsFor(22_000_000, 256 * 1024, 0), 7);
    assert.equal(bitsFor(1_000, 256 * 1024, 5), 5);
  });

  it('names shard files after their layout and reads the names back', () => {
    assert.equal(shardFileName(7, 12), 'shard-b7-12.json');
    assert.deepEqual(parseShardFileName('shard-b7-12.json'), { bits: 7, shard: 12 });
    for (const name of [
      'shard-b2-4.json',
      'shard-b7-12.json.tmp',
      '2026-12-02.jsonl',
      'shard-b99-0.json',
    ]) {
      assert.equal(parseShardFileName(name), undefined, name);
    }
  });
});
