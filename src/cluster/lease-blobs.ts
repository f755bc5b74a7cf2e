// The blobs Blob-lease ownership uses, in one container (default `mrb-leases`):
//   tenants/<tenant id>      one per customer tenant; its lease holder owns the tenant
//   instances/<instance id>  one per live instance, leased by it: the count of live instances
// Every lease an instance takes carries its instance id as the lease id.
import { RestError, type ContainerClient, type LeaseStateType } from '@azure/storage-blob';

export type LeaseState = LeaseStateType;

const TENANTS = 'tenants/';
const INSTANCES = 'instances/';

export const tenantBlob = (tenantId: string) => `${TENANTS}${encodeURIComponent(tenantId)}`;
export const instanceBlob = (instanceId: string) => `${INSTANCES}${encodeURIComponent(instanceId)}`;

/** A lease operation refused because the lease or its blob is not ours any more. */
export const isLeaseLost = (error: unknown): boolean =>
  error instanceof RestError && [404, 409, 412].includes(error.statusCode ?? 0);

export class LeaseBlobs {
  constructor(
    readonly container: ContainerClient,
    readonly leaseId: string,
  ) {}

  /** Creates the blobs that do not exist yet (an empty blob each; racing creators are fine). */
  async ensure(names: readonly string[]): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        try {
          await this.container
            .getBlockBlobClient(name)
            .upload('', 0, { conditions: { ifNoneMatch: '*' } });
        } catch (error) {
          if (!isLeaseLost(error)) throw error; // 409/412: it exists already
        }
      }),
    );
  }

  /** Lease state of every blob under tenants/ (by tenant id) or instances/. */
  async states(kind: 'tenants' | 'instances'): Promise<Map<string, LeaseState>> {
    const prefix = kind === 'tenants' ? TENANTS : INSTANCES;
    const states = new Map<string, LeaseState>();
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      const id = decodeURIComponent(blob.name.slice(prefix.length));
      states.set(id, blob.properties.leaseState ?? 'available');
    }
    return states;
  }

  async acquire(name: string, seconds: number): Promise<void> {
    await this.#lease(name).acquireLease(seconds);
  }

  async renew(name: string): Promise<void> {
    await this.#lease(name).renewLease();
  }

  /** Best effort within `timeoutMs`: an unreleased lease lapses by itself. */
  async release(name: string, timeoutMs = 5_000): Promise<void> {
    await this.#lease(name).releaseLease({ abortSignal: AbortSignal.timeout(timeoutMs) });
  }

  /** Deletes a blob nobody leases (a dead instance's heartbeat); refused if someone does. */
  async deleteUnleased(name: string): Promise<void> {
    try {
      await this.container.getBlockBlobClient(name).delete();
    } catch (error) {
      if (!isLeaseLost(error)) throw error;
    }
  }

  #lease(name: string) {
    return this.container.getBlockBlobClient(name).getBlobLeaseClient(this.leaseId);
  }
}
