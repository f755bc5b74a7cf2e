// Lease ownership on GET /metrics: which customer tenants this instance owns (1) or not (0),
// and how many. Summed over the instances, each tenant shows 1 (0 during a takeover, never 2).
import { Gauge, type Registry } from 'prom-client';
import type { Ownership } from '../cluster/ownership.ts';

export function registerOwnershipMetrics(
  registry: Registry,
  ownership: Pick<Ownership, 'instanceId'>,
  tenantIds: readonly string[],
  owns: (tenantId: string) => boolean,
): void {
  const instance = ownership.instanceId;
  new Gauge({
    name: 'mrb_cluster_tenant_owned',
    help: "1 when this instance owns the tenant's background work (watcher, delivery), else 0.",
    labelNames: ['tenant', 'instance'] as const,
    registers: [registry],
    collect() {
      for (const tenant of tenantIds) this.set({ tenant, instance }, owns(tenant) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mrb_cluster_owned_tenants',
    help: 'Customer tenants this instance owns now.',
    labelNames: ['instance'] as const,
    registers: [registry],
    collect() {
      this.set({ instance }, tenantIds.filter(owns).length);
    },
  });
}
