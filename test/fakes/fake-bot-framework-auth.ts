// The Bot Framework's token side, locally: an OpenID metadata document
// (login.botframework.com/v1/.well-known/openidconfiguration) pointing at a JWKS whose keys carry
// `endorsements` (the channels each key may sign for), and tokens minted as the Bot Connector
// service mints them (iss https://api.botframework.com, aud = the bot's app id, serviceurl). It
// can also be down (503) or hang (accept and never answer), to prove the bot's fetch is bounded.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export type MetadataMode = 'up' | 'down' | 'hang';

export interface TokenOptions {
  /** Default: the app id given to start(). */
  aud?: string;
  iss?: string;
  /** The `serviceurl` claim; omit with null. */
  serviceUrl?: string | null;
  /** Seconds from now; negative for an expired token (default 3600). */
  expiresIn?: number;
  /** Sign with a key the metadata does not publish (same kid). */
  foreignKey?: boolean;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

export class FakeBotFrameworkAuth {
  mode: MetadataMode = 'up';
  /** Requests answered or held, by path. */
  readonly hits = new Map<string, number>();
  readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly base: string,
    readonly appId: string,
    private readonly key: SigningKey,
    private readonly jwks: unknown,
    private readonly foreign: SigningKey,
  ) {}

  static async start(appId: string, endorsements = ['msteams']): Promise<FakeBotFrameworkAuth> {
    const kid = `fake-${randomUUID()}`;
    const pair = await generateKeyPair('RS256', { extractable: true });
    const other = await generateKeyPair('RS256');
    const jwk = await exportJWK(pair.publicKey);
    const jwks = { keys: [{ ...jwk, kid, kty: 'RSA', use: 'sig', endorsements }] };
    const holder: { fake?: FakeBotFrameworkAuth } = {};
    const server = createServer((req, res) => holder.fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const fake = new FakeBotFrameworkAuth(
      server,
      `http://127.0.0.1:${port}`,
      appId,
      { kid, privateKey: pair.privateKey },
      jwks,
      { kid, privateKey: other.privateKey },
    );
    holder.fake = fake;
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    return fake;
  }

  /** BOT_OPENID_METADATA_URL (and BOT_EMULATOR_OPENID_METADATA_URL) for the bot. */
  get metadataUrl(): string {
    return `${this.base}/v1/.well-known/openidconfiguration`;
  }

  hitCount(): number {
    return [...this.hits.values()].reduce((a, b) => a + b, 0);
  }

  /** A channel token as the Bot Connector service sends it. */
  async token(options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = options.foreignKey ? this.foreign : this.key;
    const claims: Record<string, unknown> = {};
    if (typeof options.serviceUrl === 'string') claims.serviceurl = options.serviceUrl;
    const expiresIn = options.expiresIn ?? 3600;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(options.iss ?? BOT_FRAMEWORK_ISSUER)
      .setAudience(options.aud ?? this.appId)
      .setIssuedAt(now - 60 + Math.min(0, expiresIn))
      .setNotBefore(now - 60 + Math.min(0, expiresIn))
      .setExpirationTime(now + expiresIn)
      .sign(key.privateKey);
  }

  /** The same claims, unsigned (`alg: none`), naming the published key. */
  unsignedToken(serviceUrl: string): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = part({ alg: 'none', typ: 'JWT', kid: this.key.kid });
    const payload = part({
      iss: BOT_FRAMEWORK_ISSUER,
      aud: this.appId,
      serviceurl: serviceUrl,
      nbf: now - 60,
      exp: now + 3600,
    });
    return `${header}.${payload}.`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.base).pathname;
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    if (this.mode === 'hang') return; // never answered; close() destroys the socket
    if (this.mode === 'down') {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('unavailable');
      return;
    }
    if (path === '/v1/.well-known/openidconfiguration') {
      return json(res, {
        issuer: BOT_FRAMEWORK_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${this.base}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (path === '/v1/.well-known/keys') return json(res, this.jwks);
    res.writeHead(404);
    res.end();
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
