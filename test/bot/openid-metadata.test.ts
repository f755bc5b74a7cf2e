// BoundedOpenIdMetadata with an injected clock and fetch: one fetch serves many tokens, a fetch in
// progress is shared, a failure is refused at once during the backoff and logged once, stale
// keys keep working while the endpoint is down, a forged key id cannot make it fetch more than
// once an hour, and it is registered where botbuilder's JwtTokenExtractor looks.
import assert from 'node:assert/strict';
import { AuthenticationError } from 'botframework-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { exportJWK, generateKeyPair } from 'jose';
import { BoundedOpenIdMetadata, installOpenIdMetadata } from '../../bot/openid-metadata.ts';

const METADATA = 'https://login.example/v1/.well-known/openidconfiguration';
const KEYS = 'https://login.example/v1/.well-known/keys';

describe('BoundedOpenIdMetadata', () => {
  let jwks: unknown;
  let calls: string[];
  let answer: 'ok' | 'fail' | 'hang';
  let clock: number;
  let logged: { level: string; details: object; msg: string }[];

  before(async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    jwks = {
      keys: [
        { ...(await exportJWK(publicKey)), kid: 'k1', endorsements: ['msteams'] },
        { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'x', y: 'y' },
      ],
    };
  });
  beforeEach(() => {
    calls = [];
    answer = 'ok';
    clock = 1_000_000;
    logged = [];
  });

  function metadata(timeoutMs = 50) {
    const fetchFake = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      calls.push(url);
      if (answer === 'hang') {
        return new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
        });
      }
      if (answer === 'fail') throw new TypeError('fetch failed');
      const body = url === METADATA ? { jwks_uri: KEYS } : jwks;
      return new Response(JSON.stringify(body), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    return new BoundedOpenIdMetadata(METADATA, {
      timeoutMs,
      fetch: fetchFake,
      now: () => clock,
      logger: {
        error: (details, msg) => logged.push({ level: 'error', details, msg }),
        info: (details, msg) => logged.push({ level: 'info', details, msg }),
      },
    });
  }

  it('fetches once for many tokens, sharing the fetch in progress, and keeps RSA keys only', async () => {
    const m = metadata();
    const keys = await Promise.all(Array.from({ length: 20 }, () => m.getKey('k1')));
    assert.deepEqual(calls, [METADATA, KEYS]);
    assert.match(keys[0]?.key ?? '', /^-----BEGIN PUBLIC KEY-----/);
    assert.deepEqual(keys[0]?.endorsements, ['msteams']);
    assert.equal(await m.getKey('ec'), null);
    assert.equal(calls.length, 2, 'an unknown key id does not refetch within the hour');
  });

  it('re-reads an unknown key id at most once an hour, and all keys after a day', async () => {
    const m = metadata();
    await m.getKey('k1');
    clock += 61 * 60 * 1000;
    assert.equal(await m.getKey('forged'), null);
    assert.equal(await m.getKey('forged-2'), null);
    assert.equal(calls.length, 4);
    clock += 25 * 60 * 60 * 1000;
    await m.getKey('k1');
    assert.equal(calls.length, 6);
  });

  it('bounds a hanging fetch, refuses at once during the backoff, and logs the outage once', async () => {
    answer = 'hang';
    const m = metadata(30);
    const started = Date.now();
    await assert.rejects(
      m.getKey('k1'),
      (err) => err instanceof AuthenticationError && err.statusCode === 401,
    );
    assert.ok(Date.now() - started < 1_000);
    for (let i = 0; i < 10; i++) await assert.rejects(m.getKey('k1'), AuthenticationError);
    assert.equal(calls.length, 1, 'no fetch during the backoff');
    clock += 31_000;
    answer = 'fail';
    await assert.rejects(m.getKey('k1'), AuthenticationError);
    assert.equal(calls.length, 2);
    assert.deepEqual(
      logged.map((l) => l.level),
      ['error'],
    );
    assert.equal((logged[0]?.details as { url?: string }).url, METADATA);
    clock += 31_000;
    answer = 'ok';
    assert.ok(await m.getKey('k1'));
    assert.deepEqual(
      logged.map((l) => l.level),
      ['error', 'info'],
    );
  });

  it('keeps using the keys it has while the endpoint is down', async () => {
    const m = metadata();
    await m.getKey('k1');
    answer = 'fail';
    clock += 25 * 60 * 60 * 1000;
    assert.ok(await m.getKey('k1'));
    assert.ok(await m.getKey('k1'));
    assert.equal(calls.length, 3, 'one failed refresh, then the backoff');
  });

  it("is registered in botbuilder's JwtTokenExtractor metadata cache by URL", () => {
    const m = metadata();
    installOpenIdMetadata(m);
    const cache = (JwtTokenExtractor as unknown as { openIdMetadataCache: Map<string, unknown> })
      .openIdMetadataCache;
    assert.equal(cache.get(METADATA), m);
    const extractor = new JwtTokenExtractor({}, METADATA, ['RS256']);
    assert.equal(extractor.openIdMetadata, m);
    cache.delete(METADATA);
  });
});
