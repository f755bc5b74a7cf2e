// A stand-in for Entra ID in tests: an RSA key pair whose public key is served as a JWKS on a
// local HTTP endpoint, and a signer for access tokens with the claims Entra ID puts in them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const EXPERTS_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const AUDIENCE = 'api://managed-response-bot';
export const ISSUER = `https://login.microsoftonline.com/${EXPERTS_TENANT}/v2.0`;

export interface TokenIssuer {
  jwksUrl: string;
  sign(
    claims?: Record<string, unknown>,
    options?: { expiresIn?: string; key?: 'other' },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    async sign(claims = {}, options = {}) {
      const key: CryptoKey = options.key === 'other' ? other.privateKey : privateKey;
      return new SignJWT({
        tid: EXPERTS_TENANT,
        oid: '11111111-2222-4333-8444-555555555555',
        name: 'Dana Expert',
        roles: ['Experts.Publish'],
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
        .setAudience(typeof claims.aud === 'string' ? claims.aud : AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '1h')
        .sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
