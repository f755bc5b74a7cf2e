// Who calls the Experts API. In production: an Entra ID access token, its signature checked
// against the issuer's signing keys (JWKS), issued by the experts' tenant for this API
// (audience) and carrying the app role that allows publishing. In local mode only (the bot runs
// without a MicrosoftAppId, so nothing else is authenticated either) a static key is accepted too.
import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

export interface ExpertsApiAuthOptions {
  /** The experts' Entra tenant id: tokens must carry it as `tid`. */
  tenantId?: string;
  /** Accepted issuers; default the tenant's v2.0 and v1 issuers. */
  issuer?: string | string[];
  /** Signing keys; default the tenant's Entra ID JWKS. */
  jwksUrl?: string;
  /** Expected `aud` (the Experts API's application id URI or client id). */
  audience?: string | string[];
  /** App role the token must hold (default Experts.Publish). */
  requiredRole?: string;
  /** Static key (x-api-key or Bearer), honoured only in local mode. */
  apiKey?: string;
  /** True when the bot runs without a MicrosoftAppId. Default false. */
  localMode?: boolean;
}

export interface ExpertPrincipal {
  /** Entra object id of the user or app, or 'local-api-key'. */
  userId: string;
  name: string;
  tenantId: string;
  via: 'token' | 'apiKey';
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    readonly principal?: ExpertPrincipal,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export const DEFAULT_EXPERTS_ROLE = 'Experts.Publish';

export class ExpertAuthenticator {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly options: ExpertsApiAuthOptions) {
    const { tenantId, jwksUrl } = options;
    const url =
      jwksUrl ?? (tenantId && `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`);
    this.#jwks = url ? createRemoteJWKSet(new URL(url)) : undefined;
  }

  async authenticate(
    headers: Record<string, string | string[] | undefined>,
  ): Promise<ExpertPrincipal> {
    const key = single(headers['x-api-key']);
    const bearer = /^Bearer\s+(.+)$/i.exec(single(headers.authorization) ?? '')?.[1]?.trim();
    const staticKey = this.options.apiKey;
    if (key !== undefined || (bearer && staticKey && sameSecret(bearer, staticKey))) {
      return this.#apiKey(key ?? bearer ?? '');
    }
    if (!bearer) {
      throw new AuthError(401, 'Send an Entra ID access token: Authorization: Bearer <token>.');
    }
    return this.#token(bearer);
  }

  #apiKey(presented: string): ExpertPrincipal {
    const { apiKey, localMode, tenantId } = this.options;
    if (!localMode) {
      throw new AuthError(
        401,
        'Static API keys are accepted only in local mode; send an Entra ID access token.',
      );
    }
    if (!apiKey || !sameSecret(presented, apiKey))
      throw new AuthError(401, 'The API key is not valid.');
    return {
      userId: 'local-api-key',
      name: 'Local API key',
      tenantId: tenantId ?? 'local',
      via: 'apiKey',
    };
  }

  async #token(token: string): Promise<ExpertPrincipal> {
    const { tenantId, audience } = this.options;
    if (!tenantId || !audience || !this.#jwks) {
      throw new AuthError(
        401,
        'Entra ID tokens are not configured: set the experts tenant id and the API audience.',
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        issuer: this.options.issuer ?? [
          `https://login.microsoftonline.com/${tenantId}/v2.0`,
          `https://sts.windows.net/${tenantId}/`,
        ],
        audience,
        algorithms: ['RS256'],
        clockTolerance: 60,
      }));
    } catch (err) {
      throw new AuthError(401, `The access token was refused: ${reason(err)}.`);
    }
    const principal = principalOf(payload);
    if (principal.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
      throw new AuthError(
        403,
        "The token was issued for another tenant than the experts' tenant.",
        principal,
      );
    }
    const role = this.options.requiredRole ?? DEFAULT_EXPERTS_ROLE;
    const roles = Array.isArray(payload.roles) ? (payload.roles as unknown[]) : [];
    if (!roles.includes(role)) {
      throw new AuthError(403, `The token lacks the app role ${role}.`, principal);
    }
    return principal;
  }
}

function principalOf(payload: JWTPayload): ExpertPrincipal {
  const text = (name: string): string | undefined => {
    const value = payload[name];
    return typeof value === 'string' ? value : undefined;
  };
  const userId = text('oid') ?? payload.sub ?? 'unknown';
  const name =
    text('name') ??
    text('preferred_username') ??
    text('app_displayname') ??
    text('azp') ??
    text('appid') ??
    userId;
  return { userId, name, tenantId: text('tid') ?? '', via: 'token' };
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim "${err.claim}" is not accepted`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'it was not signed by a key of the issuer';
  if (err instanceof errors.JOSEError) return err.code;
  return 'the signing keys could not be read';
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
