// How many tenants an instance may hold, and which: at most ceil(tenants / live instances),
// chosen by rendezvous hashing (each instance prefers a different order of the tenants), so
// instances starting together rarely contend for the same lease.
import { createHash } from 'node:crypto';

export function fairShare(tenantCount: number, liveInstances: number): number {
  return Math.ceil(tenantCount / Math.max(1, liveInstances));
}

/** The tenants in this instance's order of preference. */
export function preferenceOrder(instanceId: string, tenants: readonly string[]): string[] {
  const score = (tenant: string) =>
    createHash('sha256').update(`${instanceId}\u0000${tenant}`).digest().readUInt32BE(0);
  return [...tenants]
    .map((tenant) => ({ tenant, score: score(tenant) }))
    .sort((a, b) => b.score - a.score || (a.tenant < b.tenant ? -1 : 1))
    .map((t) => t.tenant);
}

export interface OwnershipPlan {
  /** Free tenants to try, most preferred first, as many as the share leaves room for. */
  acquire: string[];
  /** Owned tenants beyond the share, least preferred first. */
  release: string[];
}

export function planOwnership(input: {
  instanceId: string;
  tenants: readonly string[];
  owned: ReadonlySet<string>;
  /** Tenants whose lease someone holds (this instance included). */
  leased: ReadonlySet<string>;
  liveInstances: number;
}): OwnershipPlan {
  const share = fairShare(input.tenants.length, input.liveInstances);
  const order = preferenceOrder(input.instanceId, input.tenants);
  const owned = order.filter((t) => input.owned.has(t));
  const configured = new Set(input.tenants);
  const unknown = [...input.owned].filter((t) => !configured.has(t)); // removed from the config
  if (owned.length > share || unknown.length > 0) {
    return { acquire: [], release: [...unknown, ...owned.slice(share)] };
  }
  const free = order.filter((t) => !input.owned.has(t) && !input.leased.has(t));
  return { acquire: free.slice(0, share - owned.length), release: [] };
}
