// Throttling, ours or Graph's, is a 503 with Retry-After the experts' tooling can act on; other
// Defender failures stay 502.
import assert from 'node:assert/strict';
import {
  DefenderBusyError,
  DefenderRequestError,
  DefenderThrottledError,
} from '../../../../src/defender/errors.ts';
import { toApiError } from '../../../../src/features/managed-response/experts-api/api-errors.ts';

describe('Experts API errors: Defender busy or throttling', () => {
  it("answers the bot's own quota (DefenderBusyError) with 503 and its Retry-After", () => {
    const answer = toApiError(new DefenderBusyError('graph', 42));
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error.code, 'DefenderBusy');
    assert.equal(answer.retryAfterSeconds, 42);
  });

  it("answers Graph's throttling with 503, a minute when Graph gave no Retry-After", () => {
    assert.equal(toApiError(new DefenderThrottledError('graph', 30)).retryAfterSeconds, 30);
    assert.equal(toApiError(new DefenderThrottledError('graph', undefined)).retryAfterSeconds, 60);
  });

  it('keeps other Defender failures at 502, without Retry-After', () => {
    const answer = toApiError(new DefenderRequestError('graph', 500, 'ServerError', 'boom'));
    assert.equal(answer.status, 502);
    assert.equal(answer.retryAfterSeconds, undefined);
  });
});
