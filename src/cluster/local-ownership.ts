// One process, every tenant: the embedded (lowdb) deployment, where nothing is shared.
import type { Ownership, OwnershipListener } from './ownership.ts';
import { OwnershipEvents } from './ownership-events.ts';

export class LocalOwnership implements Ownership {
  readonly instanceId = 'local';
  readonly #events: OwnershipEvents;
  #owned = new Set<string>();

  constructor(
    private readonly tenants: readonly string[],
    onError: (error: unknown, context: string) => void = () => undefined,
  ) {
    this.#events = new OwnershipEvents(onError);
  }

  async start(): Promise<void> {
    const fresh = this.tenants.filter((t) => !this.#owned.has(t));
    for (const tenant of fresh) this.#owned.add(tenant);
    await Promise.all(fresh.map((t) => this.#events.gained(t)));
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

  async stop(): Promise<void> {
    const owned = [...this.#owned];
    this.#owned = new Set();
    await Promise.all(owned.map((t) => this.#events.lost(t, 'released')));
  }
}
