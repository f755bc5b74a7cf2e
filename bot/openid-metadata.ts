// The signing keys of incoming Bot Framework tokens, fetched with a time limit and cached.
//
// botbuilder 4.23.3 (the final release) fetches the OpenID metadata and its JWKS with node-fetch
// and no timeout, once per request while its cache is stale and without sharing a fetch in
// progress: an unreachable endpoint held every request open, and its failure came out as a 500
// with the network error in the body (issue 14). Its JwtTokenExtractor looks the metadata object
// up by URL in a static map (`openIdMetadataCache`) and only calls `getKey(kid)` on it, so this
// class is registered there for the configured URLs (installOpenIdMetadata) and botbuilder's own
// validation (issuer, audience, expiry, algorithms, endorsements, service URL) runs unchanged.
import { createPublicKey } from 'node:crypto';
import { AuthenticationError } from 'botframework-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { z } from 'zod';

export interface OpenIdKey {
  /** PEM public key, as botbuilder's OpenIdMetadata returns it. */
  key: string;
  endorsements?: string[];
}

export interface OpenIdMetadataOptions {
  /** Bound on each of the two fetches (metadata document, then its keys). */
  timeoutMs: number;
  logger: {
    error(details: object, message: string): void;
    info(details: object, message: string): void;
  };
  /** Keys are re-read after this long (botbuilder: 24 h). */
  refreshMs?: number;
  /** A token naming an unknown key triggers a re-read at most this often (botbuilder: 1 h). */
  unknownKeyRefreshMs?: number;
  /** After a failed fetch, tokens are refused at once for this long instead of fetching again. */
  failureBackoffMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

const metadataSchema = z.looseObject({ jwks_uri: z.url() });
const jwksSchema = z.looseObject({
  keys: z.array(
    z.looseObject({
      kid: z.string().optional(),
      kty: z.string().optional(),
      n: z.string().optional(),
      e: z.string().optional(),
      endorsements: z.array(z.string()).optional(),
    }),
  ),
});

const HOUR = 60 * 60 * 1000;

export class BoundedOpenIdMetadata {
  #keys: Map<string, OpenIdKey> | undefined;
  #updatedAt = 0;
  #failedAt: number | undefined;
  #refreshing: Promise<void> | undefined;
  readonly #now: () => number;

  constructor(
    readonly url: string,
    private readonly options: OpenIdMetadataOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** botbuilder's contract: the key, or null when unknown; throws when none can be had. */
  async getKey(keyId: string): Promise<OpenIdKey | null> {
    const age = this.#now() - this.#updatedAt;
    if (this.#keys === undefined || age > (this.options.refreshMs ?? 24 * HOUR)) {
      await this.#refresh().catch((err: unknown) => {
        // Stale keys are better than none while the endpoint is down.
        if (this.#keys === undefined) throw err;
      });
    } else if (!this.#keys.has(keyId) && age > (this.options.unknownKeyRefreshMs ?? HOUR)) {
      await this.#refresh().catch(() => undefined);
    }
    return this.#keys?.get(keyId) ?? null;
  }

  #refresh(): Promise<void> {
    const failedAt = this.#failedAt;
    if (
      failedAt !== undefined &&
      this.#now() - failedAt < (this.options.failureBackoffMs ?? 30_000)
    ) {
      return Promise.reject(unavailable());
    }
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<void> {
    try {
      const metadata = metadataSchema.parse(await this.#getJson(this.url));
      const jwks = jwksSchema.parse(await this.#getJson(metadata.jwks_uri));
      const keys = new Map<string, OpenIdKey>();
      for (const jwk of jwks.keys) {
        // Only RSA keys, as botbuilder: other kinds are "unknown" to a token naming them.
        if (!jwk.kid || !jwk.n || !jwk.e || (jwk.kty ?? 'RSA') !== 'RSA') continue;
        const pem = rsaPem(jwk.n, jwk.e);
        if (pem === undefined) continue;
        const endorsements = jwk.endorsements ? { endorsements: jwk.endorsements } : {};
        keys.set(jwk.kid, { key: pem, ...endorsements });
      }
      this.#keys = keys;
      this.#updatedAt = this.#now();
      if (this.#failedAt !== undefined) {
        this.options.logger.info(
          { url: this.url },
          'Bot Framework signing keys are available again',
        );
      }
      this.#failedAt = undefined;
    } catch (err) {
      // Once per outage, not once per refused request.
      if (this.#failedAt === undefined) {
        this.options.logger.error(
          { url: this.url, reason: describe(err), timeoutMs: this.options.timeoutMs },
          'cannot fetch the Bot Framework signing keys; incoming activities are refused (401) until they can be fetched',
        );
      }
      this.#failedAt = this.#now();
      throw unavailable();
    }
  }

  async #getJson(url: string): Promise<unknown> {
    const fetchJson = this.options.fetch ?? globalThis.fetch;
    const res = await fetchJson(url, {
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: { accept: 'application/json' },
      redirect: 'error',
    });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return (await res.json()) as unknown;
  }
}

function rsaPem(n: string, e: string): string | undefined {
  try {
    return createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  } catch {
    return undefined; // a malformed key cannot verify anything; the others still can
  }
}

function unavailable(): AuthenticationError {
  return new AuthenticationError('Signing keys are unavailable.', 401);
}

function describe(err: unknown): string {
  if (err instanceof z.ZodError) return 'the answer is not OpenID metadata with keys';
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

/**
 * Makes botbuilder's token validation use `metadata` for its URL. Throws at start-up if the
 * botbuilder release no longer has the cache this relies on.
 */
export function installOpenIdMetadata(metadata: BoundedOpenIdMetadata): void {
  const cache = (JwtTokenExtractor as unknown as { openIdMetadataCache?: unknown })
    .openIdMetadataCache;
  if (!(cache instanceof Map)) {
    throw new Error(
      'botframework-connector changed: JwtTokenExtractor.openIdMetadataCache is gone, so the OpenID metadata fetch cannot be bounded',
    );
  }
  cache.set(metadata.url, metadata);
}
