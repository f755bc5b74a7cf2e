// One task at a time per key (an incident), in arrival order. The relay holds it from reading the
// thread to the store write that enqueues the jobs, so that within this process transcript order,
// enqueue order and delivery order are the same. Across processes the thread's compare-and-set
// still refuses a stale write.
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
