// Reads and single-entity writes of one partition, shared by the PartitionStore methods and
// batches: key encoding, expiry, the ETag cache, size checks and conflict errors.
import { RestError, type TableClient } from '@azure/data-tables';
import { StoreConflictError, type VersionedRecord } from '../partitioned-store.ts';
import type { AppendOnlyRules } from './append-only.ts';
import {
  MAX_ENTITY_BYTES,
  MAX_KEY_UNITS,
  entitySize,
  fromEntity,
  type EntityBody,
  type StoredEntity,
} from './entity-codec.ts';
import type { EtagCache, SeenState } from './etag-cache.ts';
import { encodeKey, rowKeyOf } from './key-codec.ts';

/** What every partition of one TablesStore shares. */
export interface TablesContext {
  client: TableClient;
  cache: EtagCache;
  rules: AppendOnlyRules;
  now(): number;
  /** Throws StoreClosedError once the store is closed. */
  checkOpen(): void;
  newWriteId(): string;
  /** Work that may finish after the call that started it (removal of expired records). */
  background(task: () => Promise<unknown>): void;
}

/** What is known of a record before writing it: from the cache or from a read. */
export interface KnownState extends SeenState {
  /** Only from a read: the write that produced the entity. */
  writeId?: string;
}

/**
 * Attempts of a write overtaken by other writers again and again. Each round one writer wins, so
 * N writers of one record all succeed within N rounds; a jittered pause spreads them out.
 */
export const MAX_WRITE_ATTEMPTS = 32;

/** Before attempt `attempt` (≥ 1) of an overtaken write: up to 5 ms × 2^attempt, at most 200. */
export function pauseBeforeRetry(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const statusOf = (error: unknown): number | undefined =>
  error instanceof RestError ? error.statusCode : undefined;

/** A 409, 412 or 404 on a conditional write: someone else wrote first. */
export const isRace = (error: unknown): boolean => [404, 409, 412].includes(statusOf(error) ?? 0);

export class PartitionIo {
  readonly partitionKey: string;

  constructor(
    readonly partition: string,
    readonly ctx: TablesContext,
  ) {
    if (typeof partition !== 'string' || partition === '') {
      throw new TypeError('A partition id is a non-empty string.');
    }
    this.partitionKey = encodeKey(partition);
    checkKeyLength('partition', partition, this.partitionKey);
  }

  rowKey(collection: string, key: string): string {
    if (typeof collection !== 'string' || collection === '') {
      throw new TypeError('A collection name is a non-empty string.');
    }
    if (typeof key !== 'string') throw new TypeError('A record key is a string.');
    const rowKey = rowKeyOf(collection, key);
    checkKeyLength(`${collection} key`, key, rowKey);
    return rowKey;
  }

  /** Reads one entity (undefined if absent) and remembers its version and ETag. */
  async read(rowKey: string): Promise<StoredEntity | undefined> {
    try {
      const entity = fromEntity(
        await this.ctx.client.getEntity<Record<string, unknown>>(this.partitionKey, rowKey),
      );
      this.remember(entity);
      return entity;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      this.ctx.cache.forget(this.partitionKey, rowKey);
      return undefined;
    }
  }

  /**
   * What is known of a record: the cache when `useCache` and it holds an entry (with the wanted
   * version, when one is given), else a read.
   */
  async known(
    rowKey: string,
    useCache: boolean,
    wantedVersion?: number,
  ): Promise<KnownState | undefined> {
    const cached = useCache ? this.ctx.cache.get(this.partitionKey, rowKey) : undefined;
    if (cached && (wantedVersion === undefined || cached.version === wantedVersion)) return cached;
    const entity = await this.read(rowKey);
    return entity && stateOf(entity);
  }

  remember(entity: StoredEntity): void {
    this.ctx.cache.set(this.partitionKey, entity.rowKey, stateOf(entity));
  }

  rememberWrite(rowKey: string, version: number, etag: string | undefined, body: EntityBody) {
    if (etag === undefined) this.ctx.cache.forget(this.partitionKey, rowKey);
    else {
      this.ctx.cache.set(this.partitionKey, rowKey, {
        version,
        etag,
        ...(body.x && { expiresAt: body.x.getTime() }),
      });
    }
  }

  forget(rowKey: string): void {
    this.ctx.cache.forget(this.partitionKey, rowKey);
  }

  /** Whether a record is visible now: not expired, not past its append-only retention. */
  isLive(state: { expiresAt?: number | Date }, collection: string, key: string): boolean {
    return isLiveIn(this.ctx, state, collection, key);
  }

  /** Removes an expired entity in the background, unless it changed since it was read. */
  dropLater(entity: { rowKey: string; etag: string }): void {
    this.ctx.background(async () => {
      try {
        await this.ctx.client.deleteEntity(this.partitionKey, entity.rowKey, {
          etag: entity.etag,
        });
        this.forget(entity.rowKey);
      } catch (error) {
        if (!isRace(error)) throw error;
      }
    });
  }

  async create(rowKey: string, body: EntityBody): Promise<string | undefined> {
    const result = await this.ctx.client.createEntity({
      partitionKey: this.partitionKey,
      rowKey,
      ...body,
    });
    return result.etag;
  }

  async replace(rowKey: string, body: EntityBody, etag: string): Promise<string | undefined> {
    const result = await this.ctx.client.updateEntity(
      { partitionKey: this.partitionKey, rowKey, ...body },
      'Replace',
      { etag },
    );
    return result.etag;
  }

  async upsert(rowKey: string, body: EntityBody): Promise<string | undefined> {
    const result = await this.ctx.client.upsertEntity(
      { partitionKey: this.partitionKey, rowKey, ...body },
      'Replace',
    );
    return result.etag;
  }

  /** Throws a TypeError when an entity of this body would exceed Azure Tables' 1 MiB. */
  checkEntitySize(collection: string, key: string, rowKey: string, body: EntityBody): void {
    const size = entitySize(this.partitionKey, rowKey, body);
    if (size > MAX_ENTITY_BYTES) {
      throw new TypeError(
        `${collection}/${key}: the value is ${size} bytes as an Azure Tables entity, over its limit of 1 MiB (about 500,000 characters of JSON). Store it in several records.`,
      );
    }
  }
}

/** Whether a record is visible now: not expired, not past its append-only retention. */
export function isLiveIn(
  ctx: Pick<TablesContext, 'now' | 'rules'>,
  state: { expiresAt?: number | Date },
  collection: string,
  key: string,
): boolean {
  const now = ctx.now();
  const expiresAt = state.expiresAt instanceof Date ? state.expiresAt.getTime() : state.expiresAt;
  if (expiresAt !== undefined && expiresAt <= now) return false;
  return !ctx.rules.isPastRetention(collection, key, now);
}

export function conflict(
  collection: string,
  key: string,
  expected: number,
  actual: number,
): StoreConflictError {
  return new StoreConflictError(collection, key, expected, actual);
}

export function checkExpectedVersion(expectedVersion: number | undefined): void {
  if (
    expectedVersion !== undefined &&
    (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)
  ) {
    throw new TypeError(
      `expectedVersion is a whole number ≥ 0 or absent, not ${String(expectedVersion)}.`,
    );
  }
}

export function parseExpiresAt(expiresAt: string | undefined): Date | undefined {
  if (expiresAt === undefined) return undefined;
  const date = new Date(expiresAt);
  if (typeof expiresAt !== 'string' || Number.isNaN(date.getTime())) {
    throw new TypeError(`expiresAt is an ISO instant, not ${JSON.stringify(expiresAt)}.`);
  }
  return date;
}

export function toRecord<T>(key: string, version: number, json: string): VersionedRecord<T> {
  return { key, version, value: deepFreeze(JSON.parse(json) as T) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function stateOf(entity: StoredEntity): KnownState {
  return {
    version: entity.version,
    etag: entity.etag,
    ...(entity.expiresAt && { expiresAt: entity.expiresAt.getTime() }),
    ...(entity.writeId !== undefined && { writeId: entity.writeId }),
  };
}

function checkKeyLength(what: string, original: string, encoded: string): void {
  if (encoded.length > MAX_KEY_UNITS) {
    throw new TypeError(
      `The ${what} ${JSON.stringify(original.slice(0, 60))}… is too long for Azure Tables: ${encoded.length} characters encoded, at most ${MAX_KEY_UNITS} (collection and key together).`,
    );
  }
}
