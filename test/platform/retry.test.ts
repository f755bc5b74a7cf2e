import assert from 'node:assert/strict';
import { backoffDelayMs, parseRetryAfterMs, retryDelayMs } from '../../src/platform/retry.ts';

const now = new Date('2026-03-02T09:00:00Z');
const backoff = { baseDelayMs: 1_000, maxDelayMs: 8_000, factor: 2 };

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date, never negative', () => {
    assert.equal(parseRetryAfterMs('3', now), 3_000);
    assert.equal(parseRetryAfterMs(' 1.5 ', now), 1_500);
    assert.equal(parseRetryAfterMs('Mon, 02 Mar 2026 09:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfterMs('Mon, 02 Mar 2026 08:00:00 GMT', now), 0);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs(null, now), undefined);
    assert.equal(parseRetryAfterMs(undefined, now), undefined);
  });

  it('backs off exponentially within [base/2, base], capped', () => {
    assert.equal(
      backoffDelayMs(1, backoff, () => 0),
      500,
    );
    assert.equal(
      backoffDelayMs(1, backoff, () => 1),
      1_000,
    );
    assert.equal(
      backoffDelayMs(3, backoff, () => 1),
      4_000,
    );
    assert.equal(
      backoffDelayMs(9, backoff, () => 1),
      8_000,
    );
  });

  it("waits what the server asked for, spread by the policy's jitter", () => {
    assert.equal(
      retryDelayMs(1, 2_000, backoff, () => 0.5),
      2_000,
    );
    assert.equal(
      retryDelayMs(1, 2_000, { ...backoff, retryAfterJitterMs: 500 }, () => 0.5),
      2_250,
    );
    assert.equal(
      retryDelayMs(2, undefined, backoff, () => 1),
      2_000,
    );
  });
});
