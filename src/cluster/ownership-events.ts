// Delivers ownership events to listeners, in order per tenant: a tenant's `lost` never
// overtakes its `gained`. A listener's failure is reported, never thrown into the lease loop.
import type { OwnershipListener, OwnershipLossReason } from './ownership.ts';

export class OwnershipEvents {
  readonly #listeners = new Set<OwnershipListener>();
  readonly #queues = new Map<string, Promise<void>>();

  constructor(private readonly onError: (error: unknown, context: string) => void) {}

  subscribe(listener: OwnershipListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  gained(tenantId: string): Promise<void> {
    return this.#enqueue(tenantId, (l) => l.gained?.(tenantId), 'gained');
  }

  lost(tenantId: string, reason: OwnershipLossReason): Promise<void> {
    return this.#enqueue(tenantId, (l) => l.lost?.(tenantId, reason), `lost (${reason})`);
  }

  #enqueue(
    tenantId: string,
    call: (listener: OwnershipListener) => void | Promise<void>,
    what: string,
  ): Promise<void> {
    const previous = this.#queues.get(tenantId) ?? Promise.resolve();
    const next = previous.then(async () => {
      await Promise.all(
        [...this.#listeners].map(async (listener) => {
          try {
            await call(listener);
          } catch (error) {
            this.onError(error, `ownership listener (${what}) for tenant ${tenantId}`);
          }
        }),
      );
    });
    this.#queues.set(tenantId, next);
    void next.finally(() => {
      if (this.#queues.get(tenantId) === next) this.#queues.delete(tenantId);
    });
    return next;
  }
}
