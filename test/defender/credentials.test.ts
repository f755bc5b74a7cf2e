import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import assert from 'node:assert/strict';
import { MissingSecretError, createTenantCredential } from '../../src/defender/credentials.ts';

const TENANT = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const APP = 'c0a1b2c3-d4e5-4f60-8a71-9b2c3d4e5f60';

describe('createTenantCredential', () => {
  it('builds a client secret credential from the environment variable the config names', () => {
    const credential = createTenantCredential(
      {
        tenantId: TENANT,
        tenantName: 'Contoso',
        credential: { kind: 'clientSecret', clientId: APP, secretEnv: 'CONTOSO_SECRET' },
      },
      { env: { CONTOSO_SECRET: 's3cret' } },
    );
    assert.ok(credential instanceof ClientSecretCredential);
  });

  it('fails clearly, naming tenant and variable, when the secret variable is missing or empty', () => {
    for (const env of [{}, { CONTOSO_SECRET: '' }]) {
      assert.throws(
        () =>
          createTenantCredential(
            {
              tenantId: TENANT,
              tenantName: 'Contoso',
              credential: { kind: 'clientSecret', clientId: APP, secretEnv: 'CONTOSO_SECRET' },
            },
            { env },
          ),
        (error: unknown) =>
          error instanceof MissingSecretError &&
          error.message.includes('"Contoso"') &&
          error.message.includes(TENANT) &&
          error.message.includes('CONTOSO_SECRET'),
      );
    }
  });

  it('passes the configured authority host to @azure/identity', () => {
    // @azure/identity refuses a non-https authority: proof that ours reached it.
    assert.throws(
      () =>
        createTenantCredential(
          {
            tenantId: TENANT,
            tenantName: 'Contoso',
            credential: { kind: 'clientSecret', clientId: APP, secretEnv: 'S' },
          },
          { env: { S: 'x' }, authorityHost: 'http://127.0.0.1:9', disableInstanceDiscovery: true },
        ),
      /authorityHost address must use the 'https' protocol/,
    );
  });

  it('builds certificate, managed identity and default credentials', () => {
    const target = (credential: Parameters<typeof createTenantCredential>[0]['credential']) => ({
      tenantId: TENANT,
      tenantName: 'Contoso',
      credential,
    });
    assert.ok(
      createTenantCredential(
        target({ kind: 'clientCertificate', clientId: APP, certificatePath: '/etc/bot/c.pem' }),
      ) instanceof ClientCertificateCredential,
    );
    assert.ok(
      createTenantCredential(target({ kind: 'managedIdentity' })) instanceof
        ManagedIdentityCredential,
    );
    assert.ok(
      createTenantCredential(target({ kind: 'managedIdentity', clientId: APP })) instanceof
        ManagedIdentityCredential,
    );
    assert.ok(
      createTenantCredential(target({ kind: 'default' })) instanceof DefaultAzureCredential,
    );
  });
});
