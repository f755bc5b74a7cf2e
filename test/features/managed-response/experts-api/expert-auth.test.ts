import assert from 'node:assert/strict';
import {
  AuthError,
  ExpertAuthenticator,
} from '../../../../src/features/managed-response/experts-api/expert-auth.ts';
import { AUDIENCE, EXPERTS_TENANT, startTokenIssuer, type TokenIssuer } from './token-issuer.ts';

describe('Experts API authentication', () => {
  let issuer: TokenIssuer;
  let auth: ExpertAuthenticator;
  before(async () => {
    issuer = await startTokenIssuer();
    auth = new ExpertAuthenticator({
      tenantId: EXPERTS_TENANT,
      audience: AUDIENCE,
      jwksUrl: issuer.jwksUrl,
    });
  });
  after(() => issuer.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function refused(headers: Record<string, string>, status: 401 | 403, message: RegExp) {
    await assert.rejects(auth.authenticate(headers), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.status, status);
      assert.match(err.message, message);
      return true;
    });
  }

  it("accepts a token of the experts' tenant with the app role", async () => {
    const principal = await auth.authenticate(bearer(await issuer.sign()));
    assert.deepEqual(principal, {
      userId: '11111111-2222-4333-8444-555555555555',
      name: 'Dana Expert',
      tenantId: EXPERTS_TENANT,
      via: 'token',
    });
  });

  it('refuses a token from another tenant (403) and one without the role (403)', async () => {
    const foreign = await issuer.sign({ tid: '00000000-0000-4000-8000-000000000000' });
    await refused(bearer(foreign), 403, /another tenant/);
    await refused(
      bearer(await issuer.sign({ roles: ['Experts.Read'] })),
      403,
      /lacks the app role Experts\.Publish/,
    );
  });

  it('refuses expired, foreign-audience, foreign-issuer and wrongly signed tokens (401)', async () => {
    await refused(bearer(await issuer.sign({}, { expiresIn: '-10m' })), 401, /expired/);
    await refused(bearer(await issuer.sign({ aud: 'api://something-else' })), 401, /"aud"/);
    await refused(bearer(await issuer.sign({ iss: 'https://evil.example/' })), 401, /"iss"/);
    await refused(bearer(await issuer.sign({}, { key: 'other' })), 401, /signature/);
    await refused(bearer('not-a-jwt'), 401, /refused/);
    await refused({}, 401, /Bearer/);
  });

  it('accepts the static key only in local mode', async () => {
    const production = new ExpertAuthenticator({
      tenantId: EXPERTS_TENANT,
      audience: AUDIENCE,
      jwksUrl: issuer.jwksUrl,
      apiKey: 'k-123',
    });
    await assert.rejects(production.authenticate({ 'x-api-key': 'k-123' }), /only in local mode/);
    await assert.rejects(production.authenticate(bearer('k-123')), /only in local mode/);
    const local = new ExpertAuthenticator({ apiKey: 'k-123', localMode: true });
    assert.equal((await local.authenticate({ 'x-api-key': 'k-123' })).via, 'apiKey');
    assert.equal((await local.authenticate(bearer('k-123'))).userId, 'local-api-key');
    await assert.rejects(local.authenticate({ 'x-api-key': 'k-124' }), /not valid/);
    await assert.rejects(local.authenticate(bearer(await issuer.sign())), /not configured/);
  });
});
