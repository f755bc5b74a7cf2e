// What the journaled store holds in memory: every regular collection of every partition, the
// append-only records waiting for their daily logs, and how many bytes the records take.
import { join } from 'node:path';
import { AppendBuffer } from './append-buffer.ts';
import { CollectionState } from './collection-state.ts';
import type { ReplayedChange } from './journal-line.ts';
import { encodeName } from './name-encoding.ts';
import { AppendOnlyRules } from './append-only-rules.ts';

export class StoreState {
  readonly #partitions = new Map<string, Map<string, CollectionState>>();
  readonly buffer = new AppendBuffer();
  /** Approximate JSON bytes of all regular records: checkpoints grow with it. */
  liveBytes = 0;

  constructor(readonly folder: string) {}

  /** The folder of a partition's collection: shard files or daily logs. */
  collectionFolder(partition: string, collection: string): string {
    return join(this.folder, encodeName(partition), encodeName(collection));
  }

  find(partition: string, collection: string): CollectionState | undefined {
    return this.#partitions.get(partition)?.get(collection);
  }

  collection(partition: string, collection: string): CollectionState {
    let collections = this.#partitions.get(partition);
    if (!collections) {
      this.#partitions.set(partition, (collections = new Map<string, CollectionState>()));
    }
    let state = collections.get(collection);
    if (!state) {
      const folder = this.collectionFolder(partition, collection);
      collections.set(collection, (state = new CollectionState(partition, collection, folder)));
    }
    return state;
  }

  *collections(): IterableIterator<CollectionState> {
    for (const collections of this.#partitions.values()) yield* collections.values();
  }

  /** Forgets a collection that holds nothing in memory or on disk. */
  forgetIfEmpty(state: CollectionState): void {
    if (state.table.size > 0 || state.files.size > 0 || state.isDirty) return;
    const collections = this.#partitions.get(state.partition);
    collections?.delete(state.collection);
    if (collections?.size === 0) this.#partitions.delete(state.partition);
  }

  /** Applies a committed or replayed change. `maybeWritten`: an append replayed from disk. */
  apply(change: ReplayedChange, maybeWritten = false): void {
    const { partition, collection, key } = change;
    if (change.kind === 'append') {
      const day = AppendOnlyRules.dayOf(key);
      if (day)
        this.buffer.add(partition, collection, day, { key, value: change.value, maybeWritten });
    } else if (change.kind === 'put') {
      this.liveBytes += this.collection(partition, collection).set(key, change.record);
    } else {
      const state = this.find(partition, collection);
      if (state) this.liveBytes += state.delete(key);
    }
  }
}
