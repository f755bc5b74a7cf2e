// Append-only collections on Azure Tables: regular entities whose RowKey starts with the key's
// date, so that a day past its retention is one RowKey range (`list` starts after it, `prune`
// deletes it) and nothing needs to be read to append.
import type { AppendOnlyCollection } from '../partitioned-store.ts';

const DAY_MS = 86_400_000;
const DEFAULT_RETAIN_DAYS = 400;
const DATED_KEY = /^(\d{4})-(\d{2})-(\d{2})/;

export class AppendOnlyRules {
  readonly #retainDays: ReadonlyMap<string, number>;

  constructor(collections: readonly AppendOnlyCollection[] = []) {
    this.#retainDays = new Map(
      collections.map((c) => [c.name, c.retainDays ?? DEFAULT_RETAIN_DAYS] as const),
    );
  }

  isAppendOnly(collection: string): boolean {
    return this.#retainDays.has(collection);
  }

  names(): string[] {
    return [...this.#retainDays.keys()];
  }

  /** Throws a TypeError unless the write is a create of a dated key. */
  checkPut(collection: string, key: string, expectedVersion: number | undefined): void {
    if (!this.isAppendOnly(collection)) return;
    if (expectedVersion !== undefined && expectedVersion !== 0) {
      throw new TypeError(
        `${collection} is append-only: records are created (expectedVersion 0 or none), never changed.`,
      );
    }
    if (dayOf(key) === undefined) {
      throw new TypeError(
        `${collection} is append-only: its keys start with an ISO date or instant (2026-12-02T10:00:00.000Z|id), not ${JSON.stringify(key)}.`,
      );
    }
  }

  checkDelete(collection: string): void {
    if (this.isAppendOnly(collection)) {
      throw new TypeError(`${collection} is append-only: its records are never deleted.`);
    }
  }

  /**
   * The first day (`YYYY-MM-DD`) still kept at `now`, for an append-only collection: keys sorting
   * before it are past retention. Days are kept `retainDays` whole days from their start.
   */
  firstKeptDay(collection: string, now: number): string | undefined {
    const retainDays = this.#retainDays.get(collection);
    if (retainDays === undefined) return undefined;
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    return new Date(today - (retainDays - 1) * DAY_MS).toISOString().slice(0, 10);
  }

  /** Whether a record of an append-only collection is past retention at `now`. */
  isPastRetention(collection: string, key: string, now: number): boolean {
    const firstKept = this.firstKeptDay(collection, now);
    return firstKept !== undefined && key < firstKept;
  }
}

function dayOf(key: string): string | undefined {
  const match = DATED_KEY.exec(key);
  if (!match) return undefined;
  const day = key.slice(0, 10);
  const date = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day ? undefined : day;
}
