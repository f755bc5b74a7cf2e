import assert from 'node:assert/strict';
import { toCardTimestamp } from '../../cards/card-parts.ts';

describe('toCardTimestamp', () => {
  it("drops Graph's fractional seconds, which Teams' {{DATE()}} cannot read", () => {
    assert.equal(toCardTimestamp('2019-01-02T14:39:38.2262283Z'), '2019-01-02T14:39:38Z');
    assert.equal(toCardTimestamp('2026-03-02T09:14:00.5Z'), '2026-03-02T09:14:00Z');
  });

  it('keeps a whole-second UTC time as it is', () => {
    assert.equal(toCardTimestamp('2026-03-02T09:14:00Z'), '2026-03-02T09:14:00Z');
  });

  it('converts an offset to UTC', () => {
    assert.equal(toCardTimestamp('2026-03-02T10:14:00+01:00'), '2026-03-02T09:14:00Z');
  });

  it('throws on a value that is not a time, rather than showing raw text to the reader', () => {
    assert.throws(() => toCardTimestamp('yesterday'), RangeError);
  });
});
