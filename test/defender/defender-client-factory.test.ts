import assert from 'node:assert/strict';
import { NotFoundError } from '../../src/domain/errors.ts';
import type { CredentialOptions, CredentialTarget } from '../../src/defender/credentials.ts';
import { MissingSecretError } from '../../src/defender/credentials.ts';
import { DefenderClientFactory } from '../../src/defender/defender-client-factory.ts';
import { DefenderAuthError } from '../../src/defender/errors.ts';
import { parseTenantsConfig } from '../../src/defender/tenant-config.ts';
import { FakeCredential, FakeFetch, fixture, jsonResponse } from './fakes.ts';

const CONTOSO = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const FABRIKAM = '0b7e4d2c-9a81-4c3f-b6d5-7e8f9a0b1c2d';
const CONTOSO_APP = 'c0a1b2c3-d4e5-4f60-8a71-9b2c3d4e5f60';

const tenants = parseTenantsConfig(
  [
    {
      tenantId: CONTOSO,
      name: 'Contoso',
      defender: {
        credential: { kind: 'clientSecret', clientId: CONTOSO_APP, secretEnv: 'CONTOSO_SECRET' },
      },
    },
    { tenantId: FABRIKAM, name: 'Fabrikam', defender: { credential: { kind: 'default' } } },
  ],
  { source: 'tenants.json' },
);

function build(fake: FakeFetch, extra: Record<string, unknown> = {}) {
  const made: {
    target: CredentialTarget;
    options: CredentialOptions;
    credential: FakeCredential;
  }[] = [];
  const factory = new DefenderClientFactory(tenants, {
    fetch: fake.fetch,
    createCredential: (target, options) => {
      const credential = new FakeCredential(`token-for-${target.tenantName}`);
      made.push({ target, options, credential });
      return credential;
    },
    ...extra,
  });
  return { factory, made };
}

describe('DefenderClientFactory', () => {
  it('defaults to the public Graph and Defender for Endpoint endpoints and scopes', async () => {
    const fake = new FakeFetch().respond(
      () => jsonResponse(200, fixture('graph-incident-with-alerts.json')),
      () => jsonResponse(200, fixture('mde-machine-action-isolate.json')),
    );
    const { factory, made } = build(fake);
    const contoso = factory.forTenant(CONTOSO);
    await contoso.incidents.getIncident('2972395');
    await contoso.machineActions.getAction('b89eb834-4578-496c-8be0-03f004061435');
    assert.equal(
      fake.calls[0]!.url,
      'https://graph.microsoft.com/v1.0/security/incidents/2972395?$expand=alerts',
    );
    assert.equal(
      fake.calls[1]!.url,
      'https://api.securitycenter.microsoft.com/api/machineactions/b89eb834-4578-496c-8be0-03f004061435',
    );
    assert.deepEqual(made[0]!.credential.scopes, [
      'https://graph.microsoft.com/.default',
      'https://api.securitycenter.microsoft.com/.default',
    ]);
    assert.equal(fake.calls[0]!.headers.authorization, 'Bearer token-for-Contoso');
  });

  it('uses the configured base URLs and authority for every tenant, each with its own credential', async () => {
    const fake = new FakeFetch(() => jsonResponse(200, { value: [] }));
    const { factory, made } = build(fake, {
      graphBaseUrl: 'https://127.0.0.1:4443/graph',
      mdeBaseUrl: 'https://127.0.0.1:4443/mde/',
      authorityHost: 'https://127.0.0.1:4443/login',
      disableInstanceDiscovery: true,
      env: { CONTOSO_SECRET: 'x' },
    });
    await factory.forTenant(FABRIKAM).incidents.listIncidents();
    await factory.forTenant(FABRIKAM).machineActions.listDeviceActions('d1');
    assert.match(
      fake.calls[0]!.url,
      /^https:\/\/127\.0\.0\.1:4443\/graph\/v1\.0\/security\/incidents\?/,
    );
    assert.match(fake.calls[1]!.url, /^https:\/\/127\.0\.0\.1:4443\/mde\/api\/machineactions\?/);
    assert.equal(fake.calls[0]!.headers.authorization, 'Bearer token-for-Fabrikam');
    assert.deepEqual(
      made.map((m) => [m.target.tenantId, m.target.credential.kind]),
      [
        [CONTOSO, 'clientSecret'],
        [FABRIKAM, 'default'],
      ],
    );
    assert.deepEqual(made[0]!.options, {
      authorityHost: 'https://127.0.0.1:4443/login',
      disableInstanceDiscovery: true,
      env: { CONTOSO_SECRET: 'x' },
    });
  });

  it('finds tenants case-insensitively and refuses unknown ones', () => {
    const { factory } = build(new FakeFetch());
    assert.equal(factory.forTenant(CONTOSO.toUpperCase()).tenant.name, 'Contoso');
    assert.deepEqual(
      factory.tenants().map((t) => t.name),
      ['Contoso', 'Fabrikam'],
    );
    assert.throws(() => factory.forTenant('99999999-9999-4999-8999-999999999999'), NotFoundError);
  });

  it('stops at construction when a tenant secret variable is missing', () => {
    assert.throws(
      () => new DefenderClientFactory(tenants, { env: {} }),
      (error: unknown) =>
        error instanceof MissingSecretError && /CONTOSO_SECRET/.test(error.message),
    );
  });

  it('names the tenant app registration in auth errors (default credential: no client id)', async () => {
    const fake = new FakeFetch(() =>
      jsonResponse(403, { error: { code: 'Forbidden', message: 'x' } }),
    );
    const { factory } = build(fake);
    const contoso = await factory
      .forTenant(CONTOSO)
      .incidents.listIncidents()
      .catch((e: unknown) => e);
    assert.ok(contoso instanceof DefenderAuthError);
    assert.equal(contoso.clientId, CONTOSO_APP);
    const fabrikam = await factory
      .forTenant(FABRIKAM)
      .incidents.listIncidents()
      .catch((e: unknown) => e);
    assert.ok(fabrikam instanceof DefenderAuthError);
    assert.equal(fabrikam.clientId, undefined);
    assert.match(fabrikam.hint, /the identity the bot uses/);
  });
});
