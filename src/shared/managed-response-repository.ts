// Managed responses (the experts' investigation summary and response actions) per incident.
// Versioned: every change is a compare-and-set, so concurrent clicks cannot both win.
import type { ManagedResponse } from '../domain/managed-response.ts';
import type { Store, VersionedRecord, WriteOp } from '../store/store.ts';

export const MANAGED_RESPONSES = 'managedResponses';

export function managedResponseKey(tenantId: string, incidentId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}`;
}

export class ManagedResponseRepository {
  constructor(private readonly store: Store) {}

  async get(
    tenantId: string,
    incidentId: string,
  ): Promise<VersionedRecord<ManagedResponse> | undefined> {
    return this.store.get<ManagedResponse>(
      MANAGED_RESPONSES,
      managedResponseKey(tenantId, incidentId),
    );
  }

  /**
   * Every managed response of the tenant, read-only (shared, frozen where the engine shares
   * them): each click checks its action against the tenant's others, so no copies.
   */
  async listForTenant(tenantId: string): Promise<readonly ManagedResponse[]> {
    const options = { prefix: `${tenantId.toLowerCase()}:` };
    const records = this.store.listShared
      ? await this.store.listShared<ManagedResponse>(MANAGED_RESPONSES, options)
      : await this.store.list<ManagedResponse>(MANAGED_RESPONSES, options);
    return records.map((r) => r.value as ManagedResponse);
  }

  /** The write op that stores `response` if the record is still at `expectedVersion` (0 = new). */
  putOp(response: ManagedResponse, expectedVersion: number | undefined): WriteOp {
    return {
      kind: 'put',
      collection: MANAGED_RESPONSES,
      key: managedResponseKey(response.tenantId, response.incidentId),
      value: response,
      expectedVersion,
    };
  }

  async put(response: ManagedResponse, expectedVersion: number | undefined): Promise<number> {
    const record = await this.store.put(
      MANAGED_RESPONSES,
      managedResponseKey(response.tenantId, response.incidentId),
      response,
      expectedVersion,
    );
    return record.version;
  }
}
