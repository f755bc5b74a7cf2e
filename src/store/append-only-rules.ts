// Which collections are append-only (audit trails) and how long each keeps its days. A record's
// day is the ISO date its key starts with (`2026-12-02T10:00:00.000Z|id`): it names the daily log
// the record goes to, and retention drops whole days.
import type { AppendOnlyCollection } from './partitioned-store.ts';

export const DEFAULT_RETAIN_DAYS = 400;
const DAY_MS = 86_400_000;
const datePrefix = /^(\d{4})-(\d{2})-(\d{2})(?![0-9])/;

export class AppendOnlyRules {
  readonly #retainDays = new Map<string, number>();

  constructor(collections: readonly AppendOnlyCollection[] = []) {
    for (const { name, retainDays = DEFAULT_RETAIN_DAYS } of collections) {
      if (!Number.isInteger(retainDays) || retainDays < 1) {
        throw new TypeError(`retainDays of ${name} must be a whole number of days >= 1`);
      }
      this.#retainDays.set(name, retainDays);
    }
  }

  get names(): string[] {
    return [...this.#retainDays.keys()];
  }

  has(collection: string): boolean {
    return this.#retainDays.has(collection);
  }

  /** The oldest day (yyyy-mm-dd) of `collection` still kept at `now` (epoch ms). */
  firstKeptDay(collection: string, now: number): string {
    const days = this.#retainDays.get(collection) ?? DEFAULT_RETAIN_DAYS;
    return new Date(now - days * DAY_MS).toISOString().slice(0, 10);
  }

  /** The day (yyyy-mm-dd) a key of an append-only collection belongs to, or undefined. */
  static dayOf(key: string): string | undefined {
    const match = datePrefix.exec(key);
    if (!match) return undefined;
    const [day, year, month, date] = match as unknown as [string, string, string, string];
    const parsed = new Date(Date.UTC(Number(year), Number(month) - 1, Number(date)));
    return parsed.toISOString().slice(0, 10) === day ? day : undefined;
  }
}
