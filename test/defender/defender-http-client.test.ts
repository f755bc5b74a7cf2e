import { silentLogger } from '../../src/platform/logger.ts';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { NotFoundError as DomainNotFoundError } from '../../src/domain/errors.ts';
import { RateLimitGate } from '../../src/defender/rate-limit-gate.ts';
import {
  DefenderAuthError,
  DefenderBusyError,
  DefenderNotFoundError,
  DefenderRequestError,
  DefenderThrottledError,
  DefenderTimeoutError,
} from '../../src/defender/errors.ts';
import {
  CLIENT_ID,
  FakeCredential,
  FakeFetch,
  TENANT_ID,
  hang,
  jsonResponse,
  testHttpClient,
} from './fakes.ts';

const okSchema = z.object({ ok: z.boolean() });
const get = {
  method: 'GET' as const,
  path: '/v1.0/security/incidents',
  schema: okSchema,
  permission: 'SecurityIncident.ReadWrite.All',
};

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

describe('DefenderHttpClient', () => {
  it('sends the bearer token, JSON headers and the query, and parses the answer', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
    const http = testHttpClient(fake);
    const result = await http.send({
      ...get,
      method: 'PATCH',
      query: { $filter: "status eq 'active'", $top: 5, $skip: undefined },
      headers: { Prefer: 'include-unknown-enum-members' },
      body: { status: 'resolved' },
    });
    assert.deepEqual(result, { ok: true });
    const [call] = fake.calls;
    assert.equal(
      call!.url,
      "https://graph.microsoft.com/v1.0/security/incidents?$filter=status%20eq%20'active'&$top=5",
    );
    assert.equal(call!.headers.authorization, 'Bearer test-token-do-not-log');
    assert.equal(call!.headers.prefer, 'include-unknown-enum-members');
    assert.equal(call!.headers['content-type'], 'application/json');
    assert.deepEqual(call!.body, { status: 'resolved' });
  });

  it('honours Retry-After in seconds on 429, waiting through the injected sleep', async () => {
    const fake = new FakeFetch().respond(
      () =>
        jsonResponse(
          429,
          { error: { code: 'TooManyRequests', message: 'slow down' } },
          { 'Retry-After': '7' },
        ),
      () => jsonResponse(200, { ok: true }),
    );
    const { waits, sleep } = recordingSleep();
    const result = await testHttpClient(fake, { sleep }).send(get);
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(waits, [7_000]);
    assert.equal(fake.calls.length, 2);
  });

  it('honours Retry-After as an HTTP date, measured against the injected clock', async () => {
    const now = new Date('2025-01-01T10:00:00Z');
    const fake = new FakeFetch().respond(
      () => jsonResponse(429, undefined, { 'Retry-After': 'Wed, 01 Jan 2025 10:00:12 GMT' }),
      () => jsonResponse(200, { ok: true }),
    );
    const { waits, sleep } = recordingSleep();
    await testHttpClient(fake, { sleep, now: () => now }).send(get);
    assert.deepEqual(waits, [12_000]);
  });

  it('fails at once with DefenderThrottledError when Retry-After exceeds the longest wait', async () => {
    const fake = new FakeFetch(() => jsonResponse(429, undefined, { 'Retry-After': '600' }));
    const { waits, sleep } = recordingSleep();
    const http = testHttpClient(fake, { sleep, retry: { maxRetryAfterSeconds: 60 } });
    const error = await http.send(get).catch((e: unknown) => e);
    assert.ok(error instanceof DefenderThrottledError);
    assert.equal(error.retryAfterSeconds, 600);
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(waits, []);
  });

  it('gives up on persistent 429 after the bounded attempts', async () => {
    const fake = new FakeFetch(() => jsonResponse(429, undefined, { 'Retry-After': '1' }));
    const { waits, sleep } = recordingSleep();
    const error = await testHttpClient(fake, { sleep })
      .send(get)
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderThrottledError);
    assert.equal(error.retryAfterSeconds, 1);
    assert.equal(fake.calls.length, 4, 'first attempt + 3 retries');
    assert.deepEqual(waits, [1_000, 1_000, 1_000]);
  });

  it('retries 5xx with exponential backoff and jitter within bounds, then reports the status', async () => {
    const fake = new FakeFetch(() =>
      jsonResponse(503, { error: { code: 'ServiceUnavailable', message: 'try later' } }),
    );
    for (const random of [0, 0.5, 0.999]) {
      fake.calls.length = 0;
      const { waits, sleep } = recordingSleep();
      const http = testHttpClient(fake, {
        sleep,
        random: () => random,
        retry: { retries: 5, minTimeoutMs: 10, maxTimeoutMs: 50, factor: 2 },
      });
      const error = await http.send(get).catch((e: unknown) => e);
      assert.ok(error instanceof DefenderRequestError);
      assert.equal(error.status, 503);
      assert.equal(error.code, 'ServiceUnavailable');
      assert.equal(fake.calls.length, 6);
      const bases = [10, 20, 40, 50, 50];
      assert.equal(waits.length, bases.length);
      waits.forEach((wait, i) => {
        assert.ok(
          wait >= bases[i]! / 2 && wait <= bases[i]!,
          `wait ${wait} outside [${bases[i]! / 2}, ${bases[i]}]`,
        );
      });
    }
  });

  it('retries a 500 and succeeds', async () => {
    const fake = new FakeFetch().respond(
      () => jsonResponse(500, { error: { code: 'InternalServerError', message: 'oops' } }),
      () => jsonResponse(200, { ok: true }),
    );
    assert.deepEqual(await testHttpClient(fake).send(get), { ok: true });
    assert.equal(fake.calls.length, 2);
  });

  it('times each attempt out and reports DefenderTimeoutError after the last one', async () => {
    const fake = new FakeFetch(hang);
    const http = testHttpClient(fake, { retry: { retries: 1, requestTimeoutMs: 20 } });
    const error = await http.send(get).catch((e: unknown) => e);
    assert.ok(error instanceof DefenderTimeoutError);
    assert.equal(error.timeoutMs, 20);
    assert.equal(fake.calls.length, 2);
  });

  it('does not repeat a non-idempotent request that timed out, but does after a 503', async () => {
    const timedOut = new FakeFetch(hang);
    const http = testHttpClient(timedOut, { retry: { retries: 3, requestTimeoutMs: 20 } });
    const error = await http
      .send({ ...get, method: 'POST', body: {}, idempotent: false })
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderTimeoutError);
    assert.equal(timedOut.calls.length, 1);

    const unavailable = new FakeFetch().respond(
      () => jsonResponse(503),
      () => jsonResponse(200, { ok: true }),
    );
    const result = await testHttpClient(unavailable).send({
      ...get,
      method: 'POST',
      body: {},
      idempotent: false,
    });
    assert.deepEqual(result, { ok: true });
    assert.equal(unavailable.calls.length, 2);
  });

  for (const status of [401, 403]) {
    it(`turns ${status} into DefenderAuthError naming the app registration and permission`, async () => {
      const fake = new FakeFetch(() =>
        jsonResponse(status, { error: { code: 'Forbidden', message: 'no roles' } }),
      );
      const error = await testHttpClient(fake, { api: 'mde' })
        .send({ ...get, permission: 'Machine.Isolate' })
        .catch((e: unknown) => e);
      assert.ok(error instanceof DefenderAuthError);
      assert.equal(error.status, status);
      assert.match(error.hint, new RegExp(CLIENT_ID));
      assert.match(error.hint, /Machine\.Isolate/);
      assert.match(error.hint, /WindowsDefenderATP/);
      assert.match(error.message, new RegExp(TENANT_ID));
      assert.equal(fake.calls.length, 1, 'auth failures are not retried');
    });
  }

  it('turns a credential failure into DefenderAuthError without calling the API', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
    const failure = Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), {
      statusCode: 401,
    });
    const http = testHttpClient(fake, { credential: new FakeCredential('x', failure) });
    const error = await http.send(get).catch((e: unknown) => e);
    assert.ok(error instanceof DefenderAuthError);
    assert.equal(error.status, 401);
    assert.match(error.message, /AADSTS7000215/);
    assert.match(error.hint, /SecurityIncident\.ReadWrite\.All/);
    assert.equal(fake.calls.length, 0);
  });

  it('turns 404 into DefenderNotFoundError, which is also the domain NotFoundError', async () => {
    const fake = new FakeFetch(() =>
      jsonResponse(404, { error: { code: 'NotFound', message: 'x' } }),
    );
    const error = await testHttpClient(fake)
      .send({ ...get, notFound: { entity: 'incident', id: '42' } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderNotFoundError);
    assert.ok(error instanceof DomainNotFoundError);
    assert.equal(error.entity, 'incident');
    assert.equal(error.id, '42');
  });

  it('turns other 4xx into DefenderRequestError with Defender code and message, unretried', async () => {
    const fake = new FakeFetch(() =>
      jsonResponse(400, { error: { code: 'InvalidRequestBody', message: 'Comment is required' } }),
    );
    const error = await testHttpClient(fake)
      .send(get)
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'InvalidRequestBody');
    assert.match(error.message, /Comment is required/);
    assert.equal(fake.calls.length, 1);
  });

  it('rejects an answer of the wrong shape as InvalidResponse', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { ok: 'yes' }));
    const error = await testHttpClient(fake)
      .send(get)
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderRequestError);
    assert.equal(error.code, 'InvalidResponse');
    assert.match(error.message, /ok/);
  });

  it('never sends the token to a paging link outside the base URL', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
    const error = await testHttpClient(fake)
      .send({ ...get, path: 'https://evil.example/v1.0/security/incidents?$skiptoken=1' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof DefenderRequestError);
    assert.equal(fake.calls.length, 0);
  });

  it('logs retries without the token', async () => {
    const logged: unknown[] = [];
    const fake = new FakeFetch().respond(
      () => jsonResponse(503),
      () => jsonResponse(200, { ok: true }),
    );
    const logger = {
      ...silentLogger,
      warn: (details: object, message: string) => logged.push({ details, message }),
    };
    await testHttpClient(fake, { logger }).send(get);
    assert.equal(logged.length, 1);
    const text = JSON.stringify(logged);
    assert.match(text, /"status":503/);
    assert.doesNotMatch(text, /test-token-do-not-log/);
  });

  describe('bounded waits by lane', () => {
    /** Time that moves only when the client sleeps. */
    function fakeTime() {
      let ms = Date.parse('2025-01-01T10:00:00Z');
      const waits: number[] = [];
      return {
        waits,
        now: () => new Date(ms),
        sleep: (wait: number) => {
          waits.push(wait);
          ms += wait;
          return Promise.resolve();
        },
      };
    }

    it('fails an interactive call at once with DefenderBusyError when the quota is in use, sending nothing', async () => {
      const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 60 }]);
      const http = testHttpClient(fake, { gate });
      await http.send(get);
      const started = Date.now();
      const error = await http.send({ ...get, lane: 'interactive' }).catch((e: unknown) => e);
      assert.ok(error instanceof DefenderBusyError, String(error));
      assert.ok(error instanceof DefenderThrottledError, 'answered like throttling');
      assert.ok(Date.now() - started < 500, 'no wait');
      assert.ok(error.retryAfterSeconds! >= 59 && error.retryAfterSeconds! <= 60);
      assert.equal(fake.calls.length, 1, 'only the first call went out');
    });

    it("bounds a background call's wait for the quota by backgroundMaxWaitMs", async () => {
      const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
      const gate = new RateLimitGate([{ points: 1, durationSeconds: 3_600 }]);
      const http = testHttpClient(fake, { gate, retry: { backgroundMaxWaitMs: 60_000 } });
      await http.send(get);
      const error = await http.send(get).catch((e: unknown) => e);
      assert.ok(error instanceof DefenderBusyError, String(error));
      assert.ok(error.retryAfterSeconds! > 3_500);
      assert.equal(fake.calls.length, 1);
    });

    it("does not wait out Graph's Retry-After when someone waits for the answer", async () => {
      const fake = new FakeFetch(() => jsonResponse(429, undefined, { 'Retry-After': '30' }));
      const time = fakeTime();
      const http = testHttpClient(fake, { now: time.now, sleep: time.sleep });
      const error = await http.send({ ...get, lane: 'user' }).catch((e: unknown) => e);
      assert.ok(error instanceof DefenderThrottledError);
      assert.equal(error.retryAfterSeconds, 30);
      assert.equal(fake.calls.length, 1);
      assert.deepEqual(time.waits, []);
      // A background call of the same kind still waits and retries, as before.
      await http.send(get).catch(() => undefined);
      assert.deepEqual(time.waits, [30_000, 30_000, 30_000]);
    });

    it('retries an interactive call only while the retries fit its bound', async () => {
      const fake = new FakeFetch(() => jsonResponse(503));
      const time = fakeTime();
      const http = testHttpClient(fake, {
        now: time.now,
        sleep: time.sleep,
        random: () => 1,
        retry: { minTimeoutMs: 500, maxTimeoutMs: 8_000, interactiveMaxWaitMs: 2_000 },
      });
      const error = await http.send({ ...get, lane: 'interactive' }).catch((e: unknown) => e);
      assert.ok(error instanceof DefenderRequestError);
      assert.equal(error.status, 503);
      assert.deepEqual(time.waits, [500, 1_000], 'a third wait (2 s) would pass the 2 s bound');
      assert.equal(fake.calls.length, 3);
    });

    it("takes user calls from the tenant's user share: the rest stays for background calls", async () => {
      const fake = new FakeFetch(() => jsonResponse(200, { ok: true }));
      const gate = new RateLimitGate([{ points: 3, durationSeconds: 60 }], {
        userWindows: [{ points: 1, durationSeconds: 60 }],
      });
      const http = testHttpClient(fake, { gate });
      await http.send({ ...get, lane: 'user' });
      const second = await http.send({ ...get, lane: 'user' }).catch((e: unknown) => e);
      assert.ok(second instanceof DefenderBusyError, 'the user share is spent');
      await http.send(get);
      await http.send(get);
      assert.equal(fake.calls.length, 3);
    });
  });
});
