// The one place where calls to Graph security and Defender for Endpoint get their resilience:
// bearer token (cached by @azure/identity), per-tenant client-side rate limit, per-attempt
// timeout, 429 honouring Retry-After, 5xx/timeouts retried with backoff + jitter (p-retry bounds
// the attempts), JSON parsed with zod, and typed errors. Tokens and secrets are never logged.
// Every wait is bounded by the call's lane: when someone waits for the answer (`user`,
// `interactive`) the rate limit and the retries together wait at most `interactiveMaxWaitMs`,
// and what would take longer fails at once with a typed error that says when to try again;
// background calls wait at most `backgroundMaxWaitMs` for the rate limit per attempt.
import { systemClock, type Clock } from '../platform/clock.ts';
import { TokenCache } from './token-cache.ts';
import type { Logger } from '../platform/logger.ts';
import type { TokenCredential } from '@azure/identity';
import pRetry, { AbortError } from 'p-retry';
import type { z } from 'zod';
import {
  DefenderAuthError,
  DefenderBusyError,
  DefenderNotFoundError,
  DefenderRequestError,
  DefenderThrottledError,
  DefenderTimeoutError,
  type DefenderApi,
} from './errors.ts';
import { sleep, abortReason, type Sleep } from '../platform/sleep.ts';
import { GateWaitTooLongError, type RateLimitGate } from './rate-limit-gate.ts';
import { parseRetryAfterMs, retryDelayMs } from '../platform/retry.ts';
import { defaultRetrySettings, defenderBackoff, type RetrySettings } from './retry-settings.ts';
import { noTelemetry, type Telemetry, type Upstream } from '../platform/telemetry.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Who waits for a call. `user`: a Teams user's message or click caused it (it also takes from
 * the tenant's user share of the rate limit, so users never use up what the watcher needs);
 * `interactive`: another caller waits for the answer (the Experts API); `background`: nobody
 * does (watcher polls, machine actions, incident tasks). The first two wait briefly, if at all.
 */
export type CallLane = 'user' | 'interactive' | 'background';

export interface DefenderHttpClientOptions {
  api: DefenderApi;
  /** e.g. https://graph.microsoft.com/v1.0 or https://api.securitycenter.microsoft.com/api */
  baseUrl: string;
  scope: string;
  credential: TokenCredential;
  tenantId: string;
  /** App registration used for this tenant; named in auth error hints. */
  clientId: string | undefined;
  gate: RateLimitGate;
  fetch?: FetchLike;
  retry?: Partial<RetrySettings>;
  sleep?: Sleep;
  random?: () => number;
  now?: Clock;
  logger?: Logger;
  /** Counts 429s, retries and rate-limit waits (GET /metrics). */
  telemetry?: Telemetry;
}

export interface DefenderRequest<T> {
  method: 'GET' | 'POST' | 'PATCH';
  /** Relative to baseUrl (starting with '/'), or an absolute @odata.nextLink under baseUrl. */
  path: string;
  /** Appended verbatim after percent-encoding the values ($filter keys stay readable). */
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Sent verbatim instead of a JSON body (e.g. Graph sendMail's base64 MIME as text/plain). */
  rawBody?: { contentType: string; text: string };
  headers?: Record<string, string>;
  schema: z.ZodType<T>;
  /** Application permission the call needs; named in DefenderAuthError's hint. */
  permission: string;
  /** Turns a 404 into DefenderNotFoundError for this entity. */
  notFound?: { entity: 'device' | 'incident' | 'response action'; id: string };
  /**
   * False for calls that must not run twice (e.g. adding a comment): then only answers that
   * prove the request was not processed (429, 503) are retried, not timeouts or other 5xx.
   */
  idempotent?: boolean;
  /** Default `background`. */
  lane?: CallLane;
  /**
   * Abandons the call when aborted (a shutdown): a wait for the rate limit or before a retry
   * ends at once, a request in flight is cancelled; the call rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

type FailureKind = 'throttled' | 'server' | 'timeout' | 'network';

/** Internal: an attempt that may be repeated. Converted to a typed error when attempts run out. */
class RetryableFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status: number | undefined,
    readonly code: string,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(detail);
    this.name = 'RetryableFailure';
  }

  /** True when the server cannot have acted on the request. */
  get notProcessed(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

export class DefenderHttpClient {
  readonly api: DefenderApi;
  readonly tenantId: string;
  private readonly settings: RetrySettings;
  private readonly fetchFn: FetchLike;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly now: Clock;
  private readonly baseUrl: string;
  private readonly telemetry: Telemetry;
  private readonly upstream: Upstream;
  private readonly tokens: TokenCache;

  constructor(private readonly options: DefenderHttpClientOptions) {
    this.api = options.api;
    this.tenantId = options.tenantId;
    this.settings = { ...defaultRetrySettings, ...options.retry };
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? systemClock;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.telemetry = options.telemetry ?? noTelemetry;
    this.upstream = options.api === 'mde' ? 'defender' : 'graph';
    this.tokens = new TokenCache(options.credential, options.scope, this.now);
  }

  async send<T>(request: DefenderRequest<T>): Promise<T> {
    const lane = request.lane ?? 'background';
    // Someone waits for the answer: all waits of this call (rate limit, retries) end by then.
    const deadline =
      lane === 'background' ? undefined : this.nowMs() + this.settings.interactiveMaxWaitMs;
    let last: RetryableFailure | undefined;
    let attempts = 0;
    let nextWaitMs = 0;
    try {
      return await pRetry(
        async () => {
          attempts += 1;
          try {
            request.signal?.throwIfAborted();
            return await this.attempt(request, lane, deadline);
          } catch (error) {
            if (request.signal?.aborted) throw new AbortError(abortReason(request.signal));
            if (error instanceof RetryableFailure && this.mayRepeat(request, error)) {
              if (attempts <= this.settings.retries) {
                nextWaitMs = this.waitBeforeRetry(error, attempts);
              }
              if (deadline === undefined || this.nowMs() + nextWaitMs <= deadline) {
                last = error;
                throw error;
              }
            }
            if (error instanceof RetryableFailure) throw new AbortError(this.finalError(error));
            throw new AbortError(error instanceof Error ? error : new Error(String(error)));
          }
        },
        {
          retries: this.settings.retries,
          // p-retry counts the attempts; the waiting happens in onFailedAttempt so that it can
          // honour Retry-After and go through the injected sleep.
          minTimeout: 0,
          maxTimeout: 0,
          randomize: false,
          onFailedAttempt: async (error) => {
            if (!(error instanceof RetryableFailure) || error.retriesLeft <= 0) return;
            this.telemetry.retried(this.upstream, error.kind);
            this.options.logger?.warn(
              {
                api: this.api,
                tenantId: this.tenantId,
                method: request.method,
                path: pathOnly(request.path),
                status: error.status,
                code: error.code,
                attempt: error.attemptNumber,
                waitMs: nextWaitMs,
                lane,
              },
              'Defender request failed; retrying',
            );
            await this.sleep(nextWaitMs, request.signal).catch(() => undefined);
          },
        },
      );
    } catch (error) {
      if (error instanceof RetryableFailure) throw this.finalError(last ?? error);
      throw error;
    }
  }

  private mayRepeat(request: DefenderRequest<unknown>, failure: RetryableFailure): boolean {
    if (failure.kind === 'throttled' && failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs > this.settings.maxRetryAfterSeconds * 1000) return false;
    }
    return request.idempotent !== false || failure.notProcessed;
  }

  private waitBeforeRetry(failure: RetryableFailure, attemptNumber: number): number {
    const retryAfterMs = failure.kind === 'throttled' ? failure.retryAfterMs : undefined;
    return retryDelayMs(attemptNumber, retryAfterMs, defenderBackoff(this.settings), this.random);
  }

  private finalError(failure: RetryableFailure): Error {
    switch (failure.kind) {
      case 'throttled':
        return new DefenderThrottledError(
          this.api,
          failure.retryAfterMs === undefined ? undefined : Math.ceil(failure.retryAfterMs / 1000),
        );
      case 'timeout':
        return new DefenderTimeoutError(this.api, this.settings.requestTimeoutMs);
      case 'server':
      case 'network':
        return new DefenderRequestError(this.api, failure.status, failure.code, failure.detail);
    }
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  /** Waits for the tenant's rate limit, within the lane's bound; DefenderBusyError beyond it. */
  private async pass(
    lane: CallLane,
    deadline: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const maxWaitMs =
      deadline === undefined
        ? this.settings.backgroundMaxWaitMs
        : Math.max(0, deadline - this.nowMs());
    try {
      const waitedMs = await this.options.gate.acquire(this.tenantId, {
        maxWaitMs,
        user: lane === 'user',
        ...(signal && { signal }),
      });
      if (waitedMs > 0) this.telemetry.rateLimited(this.upstream, waitedMs, false);
    } catch (error) {
      if (!(error instanceof GateWaitTooLongError)) throw error;
      this.telemetry.rateLimited(this.upstream, 0, true);
      throw new DefenderBusyError(this.api, Math.ceil(error.retryAfterMs / 1000));
    }
  }

  private async attempt<T>(
    request: DefenderRequest<T>,
    lane: CallLane,
    deadline: number | undefined,
  ): Promise<T> {
    await this.pass(lane, deadline, request.signal);
    const token = await this.token(request.permission);
    const url = this.url(request);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...request.headers,
      Authorization: `Bearer ${token}`,
    };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    if (request.rawBody !== undefined) headers['Content-Type'] = request.rawBody.contentType;
    const body =
      request.rawBody?.text ??
      (request.body === undefined ? undefined : JSON.stringify(request.body));

    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method: request.method,
        headers,
        body,
        signal: request.signal
          ? AbortSignal.any([request.signal, AbortSignal.timeout(this.settings.requestTimeoutMs)])
          : AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      if (isTimeout(error)) {
        throw new RetryableFailure('timeout', undefined, 'Timeout', 'request timed out');
      }
      throw new RetryableFailure('network', undefined, 'NetworkError', describe(error));
    }

    if (response.ok) return this.parse(request, response.status, text);
    // A refused token (revoked, or its roles changed) is not offered again.
    if (response.status === 401) this.tokens.forget(token);
    return this.fail(request, response, text);
  }

  private parse<T>(request: DefenderRequest<T>, status: number, text: string): T {
    let json: unknown;
    try {
      json = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      throw new DefenderRequestError(this.api, status, 'InvalidResponse', 'response is not JSON');
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
      throw new DefenderRequestError(
        this.api,
        status,
        'InvalidResponse',
        `unexpected response shape for ${request.method} ${pathOnly(request.path)} (${where})`,
      );
    }
    return parsed.data;
  }

  private fail(request: DefenderRequest<unknown>, response: Response, text: string): never {
    const { status } = response;
    const { code, message } = readErrorBody(text, response.statusText);
    if (status === 429) {
      this.telemetry.throttled(this.upstream);
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), this.now());
      throw new RetryableFailure(
        'throttled',
        status,
        code || 'TooManyRequests',
        message,
        retryAfterMs,
      );
    }
    if (status >= 500) throw new RetryableFailure('server', status, code || 'ServerError', message);
    if (status === 401 || status === 403) {
      throw new DefenderAuthError({
        api: this.api,
        status,
        tenantId: this.tenantId,
        clientId: this.options.clientId,
        permission: request.permission,
        reason: `${status} ${code || response.statusText}.`,
        ...(message ? { serviceMessage: message } : {}),
      });
    }
    if (status === 404 && request.notFound) {
      throw new DefenderNotFoundError(this.api, request.notFound.entity, request.notFound.id);
    }
    throw new DefenderRequestError(this.api, status, code || String(status), message);
  }

  private async token(permission: string): Promise<string> {
    let failure: unknown;
    try {
      return await this.tokens.get();
    } catch (error) {
      failure = error;
    }
    throw new DefenderAuthError({
      api: this.api,
      status: tokenStatus(failure),
      tenantId: this.tenantId,
      clientId: this.options.clientId,
      permission,
      reason: `no access token for ${this.options.scope} (${firstLine(describe(failure))}).`,
      cause: failure,
    });
  }

  private url(request: DefenderRequest<unknown>): string {
    let url: string;
    if (/^https?:\/\//i.test(request.path)) {
      // A nextLink must stay under our base URL: the bearer token goes wherever we send it.
      if (!request.path.startsWith(`${this.baseUrl}/`)) {
        throw new DefenderRequestError(
          this.api,
          undefined,
          'InvalidResponse',
          'a paging link points outside the configured base URL',
        );
      }
      url = request.path;
    } else {
      url = `${this.baseUrl}${request.path}`;
    }
    const query = Object.entries(request.query ?? {})
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
      .join('&');
    if (query === '') return url;
    return `${url}${url.includes('?') ? '&' : '?'}${query}`;
  }
}

function readErrorBody(text: string, fallback: string): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : '';
    const message = typeof body.error?.message === 'string' ? body.error.message : fallback;
    return { code, message };
  } catch {
    return { code: '', message: text.trim().slice(0, 300) || fallback };
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function tokenStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    if (typeof error.statusCode === 'number') return error.statusCode;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error === undefined) return 'the credential returned no token';
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return typeof error === 'string' ? error : 'unknown failure';
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

function pathOnly(path: string): string {
  return path.split('?', 1)[0] ?? path;
}
