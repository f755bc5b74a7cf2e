import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_INCIDENT_IDS,
  DEMO_TENANT_ID,
  FABRIKAM_CLIENT_ID,
  FABRIKAM_CLIENT_SECRET,
  FABRIKAM_INCIDENT_IDS,
  FABRIKAM_TENANT_ID,
} from '../../src/emulator/demo-data.ts';
import type { RunningEmulator } from '../../src/emulator/emulator.ts';
import {
  call,
  getToken,
  GRAPH_SCOPE,
  MDE_SCOPE,
  startTestEmulator,
  TestClock,
} from './emulator-harness.ts';

const UNKNOWN_TENANT = '11111111-2222-4333-8444-555555555555';

describe('emulator: Entra-like token endpoint and bearer checks', () => {
  let emulator: RunningEmulator;
  const clock = new TestClock();
  const credential = (tenant: string, secret: string) =>
    new ClientSecretCredential(tenant, DEMO_CLIENT_ID, secret, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    });

  before(async () => {
    emulator = await startTestEmulator({ now: clock.now });
  });
  after(() => emulator.close());

  it('issues a token to the real ClientSecretCredential that the Graph list accepts', async () => {
    const token = await credential(DEMO_TENANT_ID, DEMO_CLIENT_SECRET).getToken(GRAPH_SCOPE);
    assert.ok(token.token.length > 20);
    const expiresInMs = token.expiresOnTimestamp - Date.now();
    assert.ok(
      expiresInMs > 55 * 60_000 && expiresInMs <= 61 * 60_000,
      `expires in ${expiresInMs} ms`,
    );
    const res = await call(`${emulator.graphBaseUrl}/v1.0/security/incidents`, {
      token: token.token,
    });
    assert.equal(res.status, 200);
    assert.ok(res.body.value.some((i: { id: string }) => i.id === DEMO_INCIDENT_IDS.active));
  });

  it('gives ClientSecretCredential an AADSTS7000215 error for a wrong secret', async () => {
    await assert.rejects(
      credential(DEMO_TENANT_ID, 'wrong-secret').getToken(GRAPH_SCOPE),
      /AADSTS7000215/,
    );
    const raw = await fetch(`${emulator.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_CLIENT_ID,
        client_secret: 'wrong-secret',
        scope: GRAPH_SCOPE,
      }),
    });
    assert.equal(raw.status, 401);
    const body = (await raw.json()) as {
      error: string;
      error_description: string;
      error_codes: number[];
    };
    assert.equal(body.error, 'invalid_client');
    assert.match(body.error_description, /AADSTS7000215/);
    assert.deepEqual(body.error_codes, [7000215]);
  });

  it('treats an unknown client id like a wrong secret (401 invalid_client)', async () => {
    const res = await fetch(`${emulator.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: FABRIKAM_CLIENT_ID, // registered in another tenant only
        client_secret: FABRIKAM_CLIENT_SECRET,
        scope: GRAPH_SCOPE,
      }),
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
  });

  it('rejects an unknown tenant with 400 AADSTS90002, also through ClientSecretCredential', async () => {
    await assert.rejects(credential(UNKNOWN_TENANT, DEMO_CLIENT_SECRET).getToken(GRAPH_SCOPE));
    const discovery = await call(
      `${emulator.authorityHost}/${UNKNOWN_TENANT}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(discovery.status, 400);
    assert.equal(discovery.body.error, 'invalid_request');
    assert.match(discovery.body.error_description, /AADSTS90002/);
    const token = await fetch(`${emulator.authorityHost}/${UNKNOWN_TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_CLIENT_ID,
        client_secret: DEMO_CLIENT_SECRET,
        scope: GRAPH_SCOPE,
      }),
    });
    assert.equal(token.status, 400);
    assert.match(
      ((await token.json()) as { error_description: string }).error_description,
      /AADSTS90002/,
    );
  });

  it('serves OpenID discovery and instance discovery documents', async () => {
    const config = await call(
      `${emulator.authorityHost}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(config.status, 200);
    assert.equal(
      config.body.token_endpoint,
      `${emulator.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
    );
    for (const key of ['issuer', 'authorization_endpoint', 'jwks_uri'])
      assert.equal(typeof config.body[key], 'string');
    const instance = await call(
      `${emulator.authorityHost}/common/discovery/instance?api-version=1.1`,
    );
    assert.equal(instance.status, 200);
    assert.match(
      instance.body.tenant_discovery_endpoint,
      /\{tenant\}\/v2\.0\/\.well-known\/openid-configuration$/,
    );
  });

  it('accepts the three documented MDE scopes and refuses an unknown resource', async () => {
    for (const scope of [
      MDE_SCOPE,
      'https://api.security.microsoft.com/.default',
      'https://securitycenter.onmicrosoft.com/windowsatpservice/.default',
    ]) {
      const token = await getToken(emulator, scope);
      const res = await call(`${emulator.mdeBaseUrl}/api/machineactions`, { token });
      assert.equal(res.status, 200, scope);
    }
    await assert.rejects(
      getToken(emulator, 'https://management.azure.com/.default'),
      /400.*AADSTS500011/,
    );
  });

  it('answers 401 in the Graph envelope without a token, with a bad token and with an MDE token', async () => {
    const url = `${emulator.graphBaseUrl}/v1.0/security/incidents`;
    const none = await call(url);
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'InvalidAuthenticationToken');
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal(typeof none.body.error.innerError['request-id'], 'string');
    const forged = await call(url, { token: 'eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl' });
    assert.equal(forged.status, 401);
    const mdeToken = await getToken(emulator, MDE_SCOPE);
    const wrongAudience = await call(url, { token: mdeToken });
    assert.equal(wrongAudience.status, 401);
    assert.match(wrongAudience.body.error.message, /audience/i);
  });

  it('answers 401 in the MDE envelope for a Graph token', async () => {
    const graphToken = await getToken(emulator, GRAPH_SCOPE);
    const res = await call(`${emulator.mdeBaseUrl}/api/machineactions`, { token: graphToken });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'Unauthorized');
    assert.equal(typeof res.body.error.target, 'string');
  });

  it('rejects a token once an hour has passed on the emulator clock', async () => {
    const token = await getToken(emulator, GRAPH_SCOPE);
    const url = `${emulator.graphBaseUrl}/v1.0/security/incidents?$top=1`;
    assert.equal((await call(url, { token })).status, 200);
    clock.advance(61 * 60_000);
    const expired = await call(url, { token });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
  });

  it("never shows one tenant's incidents or devices to another tenant's token", async () => {
    const fabrikam = await getToken(
      emulator,
      GRAPH_SCOPE,
      FABRIKAM_TENANT_ID,
      FABRIKAM_CLIENT_ID,
      FABRIKAM_CLIENT_SECRET,
    );
    const list = await call(`${emulator.graphBaseUrl}/v1.0/security/incidents`, {
      token: fabrikam,
    });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.value.map((i: { id: string }) => i.id).sort(),
      Object.values(FABRIKAM_INCIDENT_IDS).sort(),
    );
    assert.ok(
      list.body.value.every((i: { tenantId: string }) => i.tenantId === FABRIKAM_TENANT_ID),
    );
    const contosoIncident = await call(
      `${emulator.graphBaseUrl}/v1.0/security/incidents/${DEMO_INCIDENT_IDS.active}`,
      { token: fabrikam },
    );
    assert.equal(contosoIncident.status, 404);
    const patch = await call(
      `${emulator.graphBaseUrl}/v1.0/security/incidents/${DEMO_INCIDENT_IDS.active}`,
      {
        token: fabrikam,
        method: 'PATCH',
        body: { status: 'resolved' },
      },
    );
    assert.equal(patch.status, 404);
    assert.equal(
      emulator.control.getIncident(DEMO_TENANT_ID, DEMO_INCIDENT_IDS.active)?.status,
      'active',
    );
  });
});
