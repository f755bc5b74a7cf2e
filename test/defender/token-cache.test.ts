// One token request however many calls want a token at once; the token is reused until five
// minutes before it expires, renewed then while still used, never handed out with less than
// 30 s left; a failure is not kept, and a token the API refused is dropped.
import assert from 'node:assert/strict';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { TokenCache } from '../../src/defender/token-cache.ts';

const MIN = 60_000;

class CountingCredential implements TokenCredential {
  calls = 0;
  fail = false;
  lifetimeMs = 60 * MIN;
  #release: (() => void)[] = [];
  hold = false;
  constructor(private readonly clock: { ms: number }) {}
  async getToken(): Promise<AccessToken> {
    this.calls += 1;
    const n = this.calls;
    if (this.hold) await new Promise<void>((resolve) => this.#release.push(resolve));
    if (this.fail) throw new Error('AADSTS7000215: invalid client secret');
    return { token: `t${n}`, expiresOnTimestamp: this.clock.ms + this.lifetimeMs };
  }
  release(): void {
    for (const resolve of this.#release.splice(0)) resolve();
  }
}

describe('TokenCache', () => {
  let clock: { ms: number };
  let credential: CountingCredential;
  let cache: TokenCache;
  beforeEach(() => {
    clock = { ms: Date.parse('2026-12-03T10:00:00Z') };
    credential = new CountingCredential(clock);
    cache = new TokenCache(
      credential,
      'https://graph.microsoft.com/.default',
      () => new Date(clock.ms),
    );
  });

  it('asks once for concurrent callers, then reuses the token', async () => {
    credential.hold = true;
    const waiting = Array.from({ length: 20 }, () => cache.get());
    credential.release();
    assert.deepEqual(new Set(await Promise.all(waiting)), new Set(['t1']));
    clock.ms += 54 * MIN;
    assert.equal(await cache.get(), 't1');
    assert.equal(credential.calls, 1);
  });

  it('renews five minutes before expiry, using the old token meanwhile', async () => {
    assert.equal(await cache.get(), 't1');
    clock.ms += 56 * MIN;
    credential.hold = true;
    assert.equal(await cache.get(), 't1'); // does not wait for the renewal
    assert.equal(await cache.get(), 't1');
    assert.equal(credential.calls, 2); // one renewal for both
    credential.release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await cache.get(), 't2');
    assert.equal(credential.calls, 2);
  });

  it('waits for the new token when the old one has under 30 s left', async () => {
    await cache.get();
    clock.ms += 60 * MIN - 20_000;
    assert.equal(await cache.get(), 't2');
  });

  it('keeps no failure: the next call asks again, and gets the error while no token is good', async () => {
    credential.fail = true;
    await assert.rejects(cache.get(), /AADSTS7000215/);
    await assert.rejects(cache.get(), /AADSTS7000215/);
    assert.equal(credential.calls, 2);
    credential.fail = false;
    assert.equal(await cache.get(), 't3');
  });

  it('a failed renewal leaves the old token in use until it is too close to its end', async () => {
    await cache.get();
    clock.ms += 56 * MIN;
    credential.fail = true;
    assert.equal(await cache.get(), 't1');
    await new Promise((resolve) => setImmediate(resolve));
    clock.ms += 4 * MIN - 10_000;
    await assert.rejects(cache.get(), /AADSTS7000215/);
  });

  it('drops a token the API refused, and only that one', async () => {
    assert.equal(await cache.get(), 't1');
    cache.forget('an older token');
    assert.equal(await cache.get(), 't1');
    cache.forget('t1');
    assert.equal(await cache.get(), 't2');
  });

  it('renews at the credential refreshAfterTimestamp when it gives one', async () => {
    const early: TokenCredential = {
      getToken: () => {
        credential.calls += 1;
        return Promise.resolve({
          token: `r${credential.calls}`,
          expiresOnTimestamp: clock.ms + 60 * MIN,
          refreshAfterTimestamp: clock.ms + 30 * MIN,
        });
      },
    };
    const c = new TokenCache(early, 's', () => new Date(clock.ms));
    assert.equal(await c.get(), 'r1');
    clock.ms += 31 * MIN;
    assert.equal(await c.get(), 'r1');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await c.get(), 'r2');
  });
});
