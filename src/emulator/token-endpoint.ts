// An Entra ID look-alike for the client-credentials flow that @azure/identity performs: the
// OpenID discovery document, the v2.0 token endpoint and instance discovery. Tokens are HS256
// JWTs signed with a key that lives only as long as this emulator, bound to tenant + audience and
// valid for one hour of the injected clock.
import { randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { rolesFor } from './app-roles.ts';
import type { EmulatorState } from './emulator-state.ts';
import { HttpError, type Caller, type Route } from './http-kit.ts';

const TOKEN_LIFETIME_SECONDS = 3600;

/** Resource (scope without `/.default`) → the audience its tokens carry. */
const resources: Record<string, { audience: string; area: 'graph' | 'mde' }> = {
  'https://graph.microsoft.com': { audience: 'https://graph.microsoft.com', area: 'graph' },
  'https://api.securitycenter.microsoft.com': {
    audience: 'https://api.securitycenter.microsoft.com',
    area: 'mde',
  },
  'https://api.security.microsoft.com': {
    audience: 'https://api.security.microsoft.com',
    area: 'mde',
  },
  'https://securitycenter.onmicrosoft.com/windowsatpservice': {
    audience: 'https://api.securitycenter.microsoft.com',
    area: 'mde',
  },
};

export class TokenService {
  private readonly key = randomBytes(32);

  constructor(
    private readonly state: EmulatorState,
    private readonly now: () => Date,
  ) {}

  async issue(
    tenantId: string,
    clientId: string,
    appName: string,
    audience: string,
    area: 'graph' | 'mde',
  ) {
    const iat = Math.floor(this.now().getTime() / 1000);
    const granted = this.state.tenant(tenantId)?.grantedRoles ?? new Set<string>();
    // The roles claim lists what the tenant granted for this API when the token was issued.
    const roles = rolesFor(granted, area);
    const accessToken = await new SignJWT({
      tid: tenantId,
      appid: clientId,
      azp: clientId,
      app_displayname: appName,
      idtyp: 'app',
      ...(roles.length > 0 ? { roles } : {}),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(`https://sts.windows.net/${tenantId}/`)
      .setAudience(audience)
      .setSubject(clientId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
      .sign(this.key);
    return {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    };
  }

  /** Checks `Authorization: Bearer …` for an API area; throws a 401 HttpError when not valid. */
  async verify(authorization: string | undefined, area: 'graph' | 'mde'): Promise<Caller> {
    const code = area === 'graph' ? 'InvalidAuthenticationToken' : 'Unauthorized';
    const unauthorized = (message: string) =>
      new HttpError(401, code, message, { 'WWW-Authenticate': 'Bearer' });
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw unauthorized('Access token is empty.');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        currentDate: this.now(),
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        throw unauthorized('Lifetime validation failed, the token is expired.');
      }
      throw unauthorized('Access token validation failure. Invalid signature or malformed token.');
    }
    const accepted = Object.values(resources)
      .filter((r) => r.area === area)
      .map((r) => r.audience);
    if (typeof payload.aud !== 'string' || !accepted.includes(payload.aud)) {
      throw unauthorized('Access token validation failure. Invalid audience.');
    }
    const tenantId = typeof payload.tid === 'string' ? payload.tid : '';
    const clientId = typeof payload.appid === 'string' ? payload.appid : '';
    const app = this.state.tenant(tenantId)?.apps.find((a) => a.clientId === clientId);
    if (!app) throw unauthorized('Access token validation failure. Unknown tenant or application.');
    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((r): r is string => typeof r === 'string')
      : [];
    return { tenantId, clientId, appDisplayName: app.displayName ?? clientId, roles };
  }
}

function aadError(status: number, error: string, aadsts: string): HttpError {
  return new HttpError(status, error, aadsts);
}

const unknownTenant = (tenant: string) =>
  aadError(
    400,
    'invalid_request',
    `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );

/** Routes under `/login`; `authorityHost()` is `${url}/login`, known once the server listens. */
export function tokenRoutes(deps: {
  state: EmulatorState;
  tokens: TokenService;
  authorityHost: () => string;
}): Route[] {
  const { state, tokens, authorityHost } = deps;
  const openIdConfiguration: Route = {
    method: 'GET',
    pattern: '/login/{tenant}/v2.0/.well-known/openid-configuration',
    area: 'aad',
    handle: ({ params }) => {
      const tenant = state.tenant(params.tenant ?? '');
      if (!tenant) throw unknownTenant(params.tenant ?? '');
      const base = `${authorityHost()}/${tenant.tenantId}`;
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          request_uri_parameter_supported: false,
          tenant_region_scope: null,
          cloud_instance_name: 'microsoftonline.com',
          cloud_graph_host_name: 'graph.windows.net',
          msgraph_host: 'graph.microsoft.com',
        },
      };
    },
  };

  const keys: Route = {
    method: 'GET',
    pattern: '/login/{tenant}/discovery/v2.0/keys',
    area: 'aad',
    // Access tokens here are HS256 with a private key: nothing for a client to verify.
    handle: () => ({ status: 200, body: { keys: [] } }),
  };

  const instanceDiscovery: Route = {
    method: 'GET',
    pattern: '/login/common/discovery/instance',
    area: 'aad',
    handle: () => {
      const host = new URL(authorityHost()).host;
      return {
        status: 200,
        body: {
          tenant_discovery_endpoint: `${authorityHost()}/{tenant}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        },
      };
    },
  };

  const token: Route = {
    method: 'POST',
    pattern: '/login/{tenant}/oauth2/v2.0/token',
    area: 'aad',
    handle: async (ctx) => {
      const tenant = state.tenant(ctx.params.tenant ?? '');
      if (!tenant) throw unknownTenant(ctx.params.tenant ?? '');
      const form = new URLSearchParams(await ctx.readText());
      const basic = /^Basic\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
      const [basicId, basicSecret] = basic
        ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
        : [];
      const grantType = form.get('grant_type');
      if (grantType !== 'client_credentials') {
        throw aadError(
          400,
          'unsupported_grant_type',
          `AADSTS70003: The app requested an unsupported grant type '${grantType ?? ''}'.`,
        );
      }
      const clientId = form.get('client_id') ?? basicId ?? '';
      const secret = form.get('client_secret') ?? basicSecret ?? '';
      const app = tenant.apps.find((a) => a.clientId === clientId);
      // Unknown client and wrong secret answer alike (401 invalid_client, AADSTS7000215): to the
      // caller both mean "these credentials do not work for this tenant".
      if (!app || app.clientSecret !== secret) {
        throw aadError(
          401,
          'invalid_client',
          `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
      const scopes = (form.get('scope') ?? '')
        .split(/\s+/)
        .filter((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s));
      if (scopes.length === 0) {
        throw aadError(
          400,
          'invalid_request',
          "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        );
      }
      const resourceName = scopes[0]?.replace(/\/\.default$/i, '') ?? '';
      const resource = resources[resourceName.toLowerCase()];
      if (scopes.length !== 1 || !scopes[0]?.toLowerCase().endsWith('/.default') || !resource) {
        throw aadError(
          400,
          'invalid_resource',
          `AADSTS500011: The resource principal named ${resourceName} was not found in the tenant named ${tenant.name}.`,
        );
      }
      const body = await tokens.issue(
        tenant.tenantId,
        app.clientId,
        app.displayName ?? app.clientId,
        resource.audience,
        resource.area,
      );
      return { status: 200, body, headers: { 'Cache-Control': 'no-store, no-cache' } };
    },
  };

  return [instanceDiscovery, openIdConfiguration, keys, token];
}
