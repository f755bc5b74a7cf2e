// One access token per credential and scope, shared by every call until shortly before it
// expires, and one request for a new one however many calls want it at once. Asked on every
// Defender or Graph call, @azure/identity's credentials answer from MSAL's cache (through a
// tracing span and MSAL's cache lookup, a noticeable share of a call's CPU), and while that
// cache is empty each concurrent call asks Entra ID on its own: a burst of clicks at start
// sent 20 token requests where one per API was enough (Entra ID throttles token requests too).
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Clock } from '../platform/clock.ts';

/**
 * A token is renewed this long before it expires (Entra ID's tokens last 60-90 minutes), and
 * used meanwhile while the renewal is under way; an expired one is never handed out.
 */
export const RENEW_BEFORE_MS = 5 * 60_000;
/** Below this much life left a caller waits for the new token instead of using the old one. */
const MIN_LIFE_MS = 30_000;

export class TokenCache {
  readonly #credential: TokenCredential;
  readonly #scope: string;
  readonly #now: Clock;
  #token: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;

  constructor(credential: TokenCredential, scope: string, now: Clock) {
    this.#credential = credential;
    this.#scope = scope;
    this.#now = now;
  }

  /** A token with at least 30 s of life left (a failure of the credential is thrown as is). */
  async get(): Promise<string> {
    const token = this.#token;
    const now = this.#now().getTime();
    if (token && now < renewAt(token)) return token.token;
    const renewal = this.#renew();
    if (token && now < token.expiresOnTimestamp - MIN_LIFE_MS) {
      // Still good for a while: this call goes on with it, the renewal's failure is the next
      // caller's to see (or retried by it) once the old token is too close to its end.
      renewal.catch(() => undefined);
      return token.token;
    }
    return (await renewal).token;
  }

  /** Forgets the token (the API refused it): the next call asks the credential again. */
  forget(token: string): void {
    if (this.#token?.token === token) this.#token = undefined;
  }

  #renew(): Promise<AccessToken> {
    this.#pending ??= this.#credential
      .getToken(this.#scope)
      .then((token) => {
        if (!token) throw new Error(`the credential returned no token for ${this.#scope}`);
        this.#token = token;
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}

function renewAt(token: AccessToken): number {
  return Math.min(
    token.refreshAfterTimestamp ?? Infinity,
    token.expiresOnTimestamp - RENEW_BEFORE_MS,
  );
}
