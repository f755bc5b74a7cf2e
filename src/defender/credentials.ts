// Builds the @azure/identity credential the bot uses for one customer tenant. The tenants file
// names an environment variable for a client secret, never the secret itself. The authority
// host comes from config (AZURE_AUTHORITY_HOST, or the emulator's https URL); this module does
// not read it from the environment.
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { DefenderCredentialConfig } from './tenant-config.ts';

export interface CredentialTarget {
  tenantId: string;
  /** For error messages. */
  tenantName: string;
  credential: DefenderCredentialConfig;
}

export interface CredentialOptions {
  /** e.g. https://login.microsoftonline.com (the default) or the emulator's `${url}/login`. */
  authorityHost?: string;
  /** True for authorities that Entra ID's instance discovery does not know (the emulator). */
  disableInstanceDiscovery?: boolean;
  /** Where secretEnv is looked up; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export class MissingSecretError extends Error {
  constructor(tenantName: string, tenantId: string, variable: string) {
    super(
      `Tenant "${tenantName}" (${tenantId}): environment variable ${variable} is not set. ` +
        `It must hold the client secret of the tenant's Defender app registration ` +
        `(tenants file: defender.credential.secretEnv).`,
    );
    this.name = 'MissingSecretError';
  }
}

export function createTenantCredential(
  target: CredentialTarget,
  options: CredentialOptions = {},
): TokenCredential {
  const common = {
    ...(options.authorityHost === undefined ? {} : { authorityHost: options.authorityHost }),
    ...(options.disableInstanceDiscovery === undefined
      ? {}
      : { disableInstanceDiscovery: options.disableInstanceDiscovery }),
  };
  const { credential, tenantId } = target;
  switch (credential.kind) {
    case 'clientSecret': {
      const env = options.env ?? process.env;
      const secret = env[credential.secretEnv];
      if (secret === undefined || secret === '') {
        throw new MissingSecretError(target.tenantName, tenantId, credential.secretEnv);
      }
      return new ClientSecretCredential(tenantId, credential.clientId, secret, common);
    }
    case 'clientCertificate':
      return new ClientCertificateCredential(
        tenantId,
        credential.clientId,
        { certificatePath: credential.certificatePath },
        common,
      );
    case 'managedIdentity':
      // Managed identity talks to the local IMDS endpoint, not to an authority host.
      return credential.clientId === undefined
        ? new ManagedIdentityCredential()
        : new ManagedIdentityCredential({ clientId: credential.clientId });
    case 'default':
      return new DefaultAzureCredential({ ...common, tenantId });
  }
}

/** The client id named in auth error hints, when the config knows it. */
export function credentialClientId(credential: DefenderCredentialConfig): string | undefined {
  return credential.kind === 'default' ? undefined : credential.clientId;
}
