// Test doubles for the Defender clients: a recording fetch, a credential, recorded fixtures.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DefenderHttpClient,
  type DefenderHttpClientOptions,
} from '../../src/defender/defender-http-client.ts';
import { RateLimitGate, type RateWindow } from '../../src/defender/rate-limit-gate.ts';

const fixturesDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/defender',
);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(fixturesDir, name), 'utf8'));
}

export function jsonResponse(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Responder = (
  call: RecordedCall,
  signal: AbortSignal | undefined,
) => Promise<Response> | Response;

/** A fetch that records every call and answers from a handler (or a queue of responders). */
export class FakeFetch {
  readonly calls: RecordedCall[] = [];
  private readonly queue: Responder[] = [];

  constructor(private readonly fallback?: Responder) {}

  /** Answers the next calls in order, before the fallback. */
  respond(...responders: Responder[]): this {
    this.queue.push(...responders);
    return this;
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const call: RecordedCall = {
      url: input,
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.calls.push(call);
    const responder = this.queue.shift() ?? this.fallback;
    if (!responder) throw new Error(`unexpected call ${call.method} ${call.url}`);
    return responder(call, init.signal ?? undefined);
  };
}

/** Never answers; rejects like fetch does when the signal aborts. */
export const hang: Responder = (_call, signal) =>
  new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });

export class FakeCredential implements TokenCredential {
  readonly scopes: string[] = [];

  constructor(
    private readonly token = 'test-token-do-not-log',
    private readonly failure?: Error,
  ) {}

  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    if (this.failure) return Promise.reject(this.failure);
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}

export const TENANT_ID = '12f988bf-16f1-11af-11ab-1d7cd011db47';
export const CLIENT_ID = '7a1b2c3d-1111-4222-8333-944455566677';

/** A DefenderHttpClient with fast retries and generous limits, overridable per test. */
export function testHttpClient(
  fake: FakeFetch,
  overrides: Partial<DefenderHttpClientOptions> & { windows?: RateWindow[] } = {},
): DefenderHttpClient {
  const { windows, ...rest } = overrides;
  return new DefenderHttpClient({
    api: 'graph',
    baseUrl: 'https://graph.microsoft.com',
    scope: 'https://graph.microsoft.com/.default',
    credential: new FakeCredential(),
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    gate: new RateLimitGate(windows ?? [{ points: 10_000, durationSeconds: 60 }]),
    fetch: fake.fetch,
    retry: { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 40, requestTimeoutMs: 1_000 },
    sleep: () => Promise.resolve(),
    ...rest,
  });
}

/** A rate-limit gate that counts the calls waiting in it (to stop while one waits). */
export class CountingGate extends RateLimitGate {
  waiting = 0;

  override async acquire(...args: Parameters<RateLimitGate['acquire']>): Promise<number> {
    this.waiting += 1;
    try {
      return await super.acquire(...args);
    } finally {
      this.waiting -= 1;
    }
  }
}

/** A gate of one call a minute whose call is already spent: the next waits up to 60 s. */
export async function spentGate(tenantId = TENANT_ID): Promise<CountingGate> {
  const gate = new CountingGate([{ points: 1, durationSeconds: 60 }]);
  await gate.acquire(tenantId);
  return gate;
}

/** 'stopped' when `stop` resolves within `withinMs`, else 'still waiting'. */
export async function stopsWithin(stop: () => Promise<void>, withinMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), withinMs);
  });
  try {
    return await Promise.race([stop().then(() => 'stopped'), late]);
  } finally {
    clearTimeout(timer);
  }
}
