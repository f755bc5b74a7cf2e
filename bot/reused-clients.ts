// Bot Framework authentication whose outbound clients are made once per bot app and service URL,
// not once per inbound activity. CloudAdapter asks for a new ConnectorClient and a new
// UserTokenClient on every turn, and each builds an HTTP pipeline and a credential (about a
// third of a millisecond of CPU per turn, a sixth of a bare bot's whole turn). Both are stateless
// between calls (their credentials cache and renew their own tokens), which is why botbuilder's
// older BotFrameworkAdapter kept one ConnectorClient per service URL and app; this does the same.
// Everything else is the wrapped authentication's.
import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';
import { LRUCache } from 'lru-cache';

// Service URLs are a few per cloud region; the bound only stops a caller that invents them.
const MAX_CLIENTS = 200;

export class ReusedClientsAuthentication extends BotFrameworkAuthentication {
  readonly #inner: BotFrameworkAuthentication;
  readonly #connectors = new LRUCache<string, Promise<ConnectorClient>>({ max: MAX_CLIENTS });
  readonly #userTokens = new LRUCache<string, Promise<UserTokenClient>>({ max: MAX_CLIENTS });

  constructor(inner: BotFrameworkAuthentication) {
    super();
    this.#inner = inner;
  }

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.#reusing(await this.#inner.authenticateRequest(activity, authHeader));
  }

  override async authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.#reusing(
      await this.#inner.authenticateStreamingRequest(authHeader, channelIdHeader),
    );
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusedConnectors(
      this.#inner.createConnectorFactory(claimsIdentity),
      appIdOf(claimsIdentity),
      this.#connectors,
    );
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = appIdOf(claimsIdentity);
    return reuse(this.#userTokens, appId, () => this.#inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.#inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.#inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.#inner.authenticateChannelRequest(authHeader);
  }

  #reusing(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    const appId = appIdOf(result.claimsIdentity);
    const connectorFactory = new ReusedConnectors(result.connectorFactory, appId, this.#connectors);
    return { ...result, connectorFactory };
  }
}

class ReusedConnectors extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: LRUCache<string, Promise<ConnectorClient>>,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.appId}\n${serviceUrl}\n${audience ?? ''}`;
    return reuse(this.clients, key, () => this.inner.create(serviceUrl, audience));
  }
}

/** The cached client, or a new one (a failed creation is forgotten, so the next call retries). */
function reuse<T extends object>(
  cache: LRUCache<string, Promise<T>>,
  key: string,
  make: () => Promise<T>,
): Promise<T> {
  const cached = cache.get(key);
  if (cached) return cached;
  const made = make();
  cache.set(key, made);
  made.catch(() => {
    if (cache.get(key) === made) cache.delete(key);
  });
  return made;
}

/** The bot app the claims were issued to ('' for local mode's anonymous claims). */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
}
