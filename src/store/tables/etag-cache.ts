// What this instance last saw of a record: its version, ETag and expiry. A compare-and-set at
// the version seen sends the ETag seen without reading first; a stale entry (another instance
// wrote since) costs one 412 and a read, never a wrong answer, because the service checks the
// ETag. Bounded, least recently used first out, so memory stays flat as data grows.

export interface SeenState {
  version: number;
  etag: string;
  expiresAt?: number;
}

export class EtagCache {
  readonly #entries = new Map<string, SeenState>();

  constructor(readonly capacity = 10_000) {}

  get(partitionKey: string, rowKey: string): SeenState | undefined {
    const id = `${partitionKey}\u0000${rowKey}`;
    const state = this.#entries.get(id);
    if (state) {
      this.#entries.delete(id);
      this.#entries.set(id, state);
    }
    return state;
  }

  set(partitionKey: string, rowKey: string, state: SeenState): void {
    const id = `${partitionKey}\u0000${rowKey}`;
    this.#entries.delete(id);
    this.#entries.set(id, state);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  forget(partitionKey: string, rowKey: string): void {
    this.#entries.delete(`${partitionKey}\u0000${rowKey}`);
  }

  clear(): void {
    this.#entries.clear();
  }
}
