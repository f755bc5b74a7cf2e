// One partition of the Azure Tables store: the PartitionStore port on one PartitionKey.
// Versions are our own `v` property; the service's ETags make every write conditional, so
// concurrent writers on any number of instances are serialised by the service.
import { odata } from '@azure/data-tables';
import type {
  ListOptions,
  PartitionStore,
  PartitionWriteOp,
  VersionedRecord,
} from '../partitioned-store.ts';
import { entityBody, fromEntity, toJson, type EntityBody } from './entity-codec.ts';
import { KEY_SEPARATOR, RANGE_END, encodeKey, parseRowKey } from './key-codec.ts';
import {
  MAX_WRITE_ATTEMPTS,
  PartitionIo,
  checkExpectedVersion,
  conflict,
  isRace,
  parseExpiresAt,
  pauseBeforeRetry,
  toRecord,
  type TablesContext,
} from './partition-io.ts';
import { runBatch } from './run-batch.ts';

const MAX_PAGE = 1_000;

export class TablesPartition implements PartitionStore {
  readonly #io: PartitionIo;

  constructor(
    readonly partition: string,
    readonly ctx: TablesContext,
  ) {
    this.#io = new PartitionIo(partition, ctx);
  }

  async get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined> {
    this.ctx.checkOpen();
    const entity = await this.#io.read(this.#io.rowKey(collection, key));
    if (!entity) return undefined;
    if (!this.#io.isLive(entity, collection, key)) {
      this.#io.dropLater(entity);
      return undefined;
    }
    return toRecord<T>(key, entity.version, entity.json);
  }

  async list<T>(collection: string, options: ListOptions = {}): Promise<VersionedRecord<T>[]> {
    this.ctx.checkOpen();
    this.#io.rowKey(collection, options.prefix ?? '');
    const { limit } = options;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new TypeError(`limit is a whole number ≥ 0, not ${String(limit)}.`);
    }
    if (limit === 0) return [];
    const filter = this.#listFilter(collection, options);
    const records: VersionedRecord<T>[] = [];
    const pages = this.ctx.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(MAX_PAGE, limit ?? MAX_PAGE) });
    for await (const page of pages) {
      for (const raw of page) {
        const entity = fromEntity(raw);
        const { key } = parseRowKey(entity.rowKey);
        if (!this.#io.isLive(entity, collection, key)) {
          this.#io.dropLater(entity);
          continue;
        }
        this.#io.remember(entity);
        records.push(toRecord<T>(key, entity.version, entity.json));
        if (limit !== undefined && records.length >= limit) return records;
      }
    }
    return records;
  }

  /** RowKey range of a list: the collection, the prefix, after the cursor, within retention. */
  #listFilter(collection: string, options: ListOptions): string {
    const base = encodeKey(collection) + KEY_SEPARATOR;
    const prefix = base + encodeKey(options.prefix ?? '');
    let lower = prefix;
    let exclusive = false;
    const firstKept = this.ctx.rules.firstKeptDay(collection, this.ctx.now());
    if (firstKept !== undefined && base + encodeKey(firstKept) > lower) {
      lower = base + encodeKey(firstKept);
    }
    if (options.after !== undefined && base + encodeKey(options.after) >= lower) {
      lower = base + encodeKey(options.after);
      exclusive = true;
    }
    const upper = prefix + RANGE_END;
    const pk = this.#io.partitionKey;
    return exclusive
      ? odata`PartitionKey eq ${pk} and RowKey gt ${lower} and RowKey lt ${upper}`
      : odata`PartitionKey eq ${pk} and RowKey ge ${lower} and RowKey lt ${upper}`;
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    expectedVersion?: number,
    options?: { expiresAt?: string },
  ): Promise<VersionedRecord<T>> {
    this.ctx.checkOpen();
    const rowKey = this.#io.rowKey(collection, key);
    checkExpectedVersion(expectedVersion);
    this.ctx.rules.checkPut(collection, key, expectedVersion);
    const json = toJson(value, `${collection}/${key}`);
    const expiresAt = parseExpiresAt(options?.expiresAt);
    const writeId = this.ctx.newWriteId();
    const body = (version: number) => entityBody(json, version, writeId, expiresAt);
    this.#io.checkEntitySize(collection, key, rowKey, body(1));
    let version: number;
    if (this.ctx.rules.isAppendOnly(collection) && expectedVersion === undefined) {
      // The caller vouches that the key is new: no read, no condition.
      const b = body(1);
      this.#io.rememberWrite(rowKey, 1, await this.#io.upsert(rowKey, b), b);
      version = 1;
    } else {
      version = await this.#putVersioned(collection, key, rowKey, expectedVersion, body, writeId);
    }
    return toRecord<T>(key, version, json);
  }

  async #putVersioned(
    collection: string,
    key: string,
    rowKey: string,
    expected: number | undefined,
    body: (version: number) => EntityBody,
    writeId: string,
  ): Promise<number> {
    const io = this.#io;
    const write = async (version: number, etag?: string) => {
      const b = body(version);
      const newEtag =
        etag === undefined ? await io.create(rowKey, b) : await io.replace(rowKey, b, etag);
      io.rememberWrite(rowKey, version, newEtag, b);
      return version;
    };
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const fresh = attempt > 0;
      if (fresh) await pauseBeforeRetry(attempt);
      // A create tries first and reads only when the key turns out to exist.
      const seen =
        expected === 0 && !fresh
          ? undefined
          : await io.known(rowKey, !fresh, expected || undefined);
      if (fresh && seen?.writeId === writeId) return seen.version; // our retried request landed
      const live = seen !== undefined && io.isLive(seen, collection, key);
      if (expected === 0 && live) throw conflict(collection, key, 0, seen.version);
      if (expected !== undefined && expected > 0) {
        if (!live) throw conflict(collection, key, expected, 0);
        if (seen.version !== expected) throw conflict(collection, key, expected, seen.version);
      }
      try {
        // An expired entity is replaced as if absent: the record starts again at version 1.
        return await write(live ? seen.version + 1 : 1, seen?.etag);
      } catch (error) {
        if (!isRace(error)) throw error;
        io.forget(rowKey);
      }
    }
    throw new Error(
      `${collection}/${key} in partition ${this.partition} was changed by other writers ${MAX_WRITE_ATTEMPTS} times in a row; try again.`,
    );
  }

  async delete(collection: string, key: string, expectedVersion?: number): Promise<boolean> {
    this.ctx.checkOpen();
    const rowKey = this.#io.rowKey(collection, key);
    checkExpectedVersion(expectedVersion);
    this.ctx.rules.checkDelete(collection);
    const io = this.#io;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      if (attempt > 0) await pauseBeforeRetry(attempt);
      const useCache = attempt === 0 && expectedVersion !== 0;
      const seen = await io.known(rowKey, useCache, expectedVersion || undefined);
      const live = seen !== undefined && io.isLive(seen, collection, key);
      if (expectedVersion === 0 && live) throw conflict(collection, key, 0, seen.version);
      if (expectedVersion !== undefined && expectedVersion > 0) {
        if (!live) throw conflict(collection, key, expectedVersion, 0);
        if (seen.version !== expectedVersion) {
          throw conflict(collection, key, expectedVersion, seen.version);
        }
      }
      if (!seen) return false;
      try {
        await this.ctx.client.deleteEntity(io.partitionKey, rowKey, { etag: seen.etag });
        io.forget(rowKey);
        return live;
      } catch (error) {
        if (!isRace(error)) throw error;
        io.forget(rowKey);
      }
    }
    throw new Error(
      `${collection}/${key} in partition ${this.partition} was changed by other writers ${MAX_WRITE_ATTEMPTS} times in a row; try again.`,
    );
  }

  async batch(ops: readonly PartitionWriteOp[]): Promise<void> {
    this.ctx.checkOpen();
    await runBatch(this.#io, ops);
  }
}
