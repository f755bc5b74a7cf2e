// The partition of each record when the store keeps a partition per customer tenant
// (STORE_PARTITIONS=tenant): the tenant its collection's key rule finds in the key, or the
// service partition for records of no tenant (and for collections without a rule). A batch is
// atomic only inside one partition (an Azure Tables entity-group transaction), so a batch whose
// ops fall in two partitions is refused with a TypeError before anything is written: it could
// otherwise half-apply.
import { SERVICE_PARTITION } from './partitioned-store.ts';
import type { TenantKeyRule, TenantOfKey } from './tenant-key-rule.ts';

/** The partition every record lives in without routing (STORE_PARTITIONS=single). */
export const FLAT_PARTITION = 'main';

export class PartitionRouter {
  readonly #rules: ReadonlyMap<string, TenantOfKey>;

  constructor(rules: readonly TenantKeyRule[]) {
    const byCollection = new Map<string, TenantOfKey>();
    for (const rule of rules) {
      if (byCollection.has(rule.collection)) {
        throw new TypeError(`Two partition rules for the collection ${rule.collection}`);
      }
      byCollection.set(rule.collection, rule.tenantOf);
    }
    this.#rules = byCollection;
  }

  /** The partition of one record. */
  partitionOf(collection: string, key: string): string {
    const tenant = this.#rules.get(collection)?.(key, false);
    return tenant && !reserved(tenant) ? tenant : SERVICE_PARTITION;
  }

  /**
   * The one partition every key with this prefix lives in, or undefined when they may be in
   * any partition (no rule, or a prefix that does not name a whole tenant).
   */
  partitionOfPrefix(collection: string, prefix: string): string | undefined {
    const rule = this.#rules.get(collection);
    if (!rule) return SERVICE_PARTITION;
    const tenant = rule(prefix, true);
    return tenant && !reserved(tenant) ? tenant : undefined;
  }

  /** The one partition of a batch; a TypeError when its ops fall in two. */
  partitionOfBatch(ops: readonly { collection: string; key: string }[]): string {
    let partition: string | undefined;
    let first: { collection: string; key: string } | undefined;
    for (const op of ops) {
      const here = this.partitionOf(op.collection, op.key);
      if (partition === undefined) {
        partition = here;
        first = op;
      } else if (here !== partition) {
        throw new TypeError(
          `A batch must stay in one partition: ${first?.collection}/${first?.key} is in ` +
            `${partition}, ${op.collection}/${op.key} in ${here}. Key both records by the same ` +
            'tenant, or split the batch into steps that are safe to repeat.',
        );
      }
    }
    return partition ?? SERVICE_PARTITION;
  }
}

// A key naming the service partition or the legacy one must not reach into them.
function reserved(tenant: string): boolean {
  return tenant === SERVICE_PARTITION || tenant === FLAT_PARTITION;
}
