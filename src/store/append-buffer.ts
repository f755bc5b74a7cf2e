// Records of append-only collections that are committed (in the journal) but not yet in their
// daily log: a checkpoint appends them to the day file and lets go of them, so memory holds only
// what arrived since the last checkpoint. Reads merge them with the day files.

export interface BufferedEntry {
  key: string;
  value: unknown;
  /** Replayed from a journal or loaded: the day file may hold it already (check before append). */
  maybeWritten: boolean;
}

export interface BufferedDay {
  partition: string;
  collection: string;
  day: string;
  entries: Map<string, BufferedEntry>;
}

export class AppendBuffer {
  readonly #days = new Map<string, BufferedDay>();

  get isEmpty(): boolean {
    return this.#days.size === 0;
  }

  /** Keeps the first entry of a key, as a reader of the day file would. */
  add(partition: string, collection: string, day: string, entry: BufferedEntry): void {
    const id = JSON.stringify([partition, collection, day]);
    let buffered = this.#days.get(id);
    if (!buffered)
      this.#days.set(id, (buffered = { partition, collection, day, entries: new Map() }));
    if (!buffered.entries.has(entry.key)) buffered.entries.set(entry.key, entry);
  }

  entries(partition: string, collection: string, day: string): BufferedEntry[] {
    const buffered = this.#days.get(JSON.stringify([partition, collection, day]));
    return buffered ? [...buffered.entries.values()] : [];
  }

  days(partition?: string, collection?: string): BufferedDay[] {
    return [...this.#days.values()].filter(
      (d) =>
        (partition === undefined || d.partition === partition) &&
        (collection === undefined || d.collection === collection),
    );
  }

  /** After a checkpoint appended these entries to their day file. */
  release(day: BufferedDay, written: readonly BufferedEntry[]): void {
    const id = JSON.stringify([day.partition, day.collection, day.day]);
    const buffered = this.#days.get(id);
    if (!buffered) return;
    for (const entry of written) {
      if (buffered.entries.get(entry.key) === entry) buffered.entries.delete(entry.key);
    }
    if (buffered.entries.size === 0) this.#days.delete(id);
  }
}
