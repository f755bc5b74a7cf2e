// An Ownership a test drives by hand: gain() and lose() a tenant, as Blob leases would.
import type {
  Ownership,
  OwnershipListener,
  OwnershipLossReason,
} from '../../src/cluster/ownership.ts';
import { OwnershipEvents } from '../../src/cluster/ownership-events.ts';

export class FakeOwnership implements Ownership {
  readonly #events = new OwnershipEvents((error) => {
    throw error;
  });
  readonly #owned = new Set<string>();
  started = false;

  constructor(readonly instanceId = 'fake') {}

  async start(): Promise<void> {
    this.started = true;
  }

  owns(tenantId: string): boolean {
    return this.#owned.has(tenantId);
  }

  owned(): string[] {
    return [...this.#owned];
  }

  subscribe(listener: OwnershipListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Resolves once every listener has started the tenant's work. */
  gain(tenantId: string): Promise<void> {
    this.#owned.add(tenantId);
    return this.#events.gained(tenantId);
  }

  /** owns() is false at once, as after an overdue renewal; resolves once the work stopped. */
  lose(tenantId: string, reason: OwnershipLossReason = 'lease-lost'): Promise<void> {
    this.#owned.delete(tenantId);
    return this.#events.lost(tenantId, reason);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#owned].map((t) => this.lose(t, 'released')));
  }
}
