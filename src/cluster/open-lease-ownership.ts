// Opens Blob-lease ownership on a storage account: from a connection string
// (AZURE_STORAGE_CONNECTION_STRING; Azurite's in tests) or an account's blob URL
// (https://<account>.blob.core.windows.net) with a TokenCredential (managed identity in Azure).
// The container is created when missing. Retries and per-try timeouts are bounded so that a
// renewal answers (or fails) well within the lease's safety margin.
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { LeaseOwnership, type LeaseOwnershipOptions } from './lease-ownership.ts';

export const DEFAULT_LEASE_CONTAINER = 'mrb-leases';

export interface OpenLeaseOwnershipOptions extends Omit<LeaseOwnershipOptions, 'container'> {
  connectionString?: string;
  /** The account's blob endpoint, with `credential` (default DefaultAzureCredential). */
  blobUrl?: string;
  credential?: TokenCredential;
  /** Default `mrb-leases`. */
  containerName?: string;
}

const PIPELINE: StoragePipelineOptions = {
  retryOptions: {
    maxTries: 3,
    tryTimeoutInMs: 4_000,
    retryDelayInMs: 200,
    maxRetryDelayInMs: 1_000,
  },
};

export async function openLeaseOwnership(
  options: OpenLeaseOwnershipOptions,
): Promise<LeaseOwnership> {
  const { connectionString, blobUrl, credential, containerName, ...rest } = options;
  let service: BlobServiceClient;
  if (connectionString)
    service = BlobServiceClient.fromConnectionString(connectionString, PIPELINE);
  else if (blobUrl) {
    service = new BlobServiceClient(blobUrl, credential ?? new DefaultAzureCredential(), PIPELINE);
  } else {
    throw new TypeError(
      'Blob-lease ownership needs AZURE_STORAGE_CONNECTION_STRING, or the account blob URL with a credential (managed identity in Azure).',
    );
  }
  const container = service.getContainerClient(containerName ?? DEFAULT_LEASE_CONTAINER);
  await container.createIfNotExists();
  return new LeaseOwnership({ ...rest, container });
}
