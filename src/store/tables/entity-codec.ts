// One store record as one Azure Tables entity, and the service's size limits.
//
// Properties: `v` the record's version (Int32), `x` its expiry (DateTime, absent = kept), `w` the
// id of the write that produced it (recognises our own write when a retried request comes back
// as a conflict), `d0`, `d1`, … the value's JSON text (ASCII) in chunks: a string property holds
// 64 KiB of UTF-16 (32,768 code units), an entity 1 MiB in all.

/** Code units of JSON per property, under the 32,768 a 64 KiB UTF-16 string holds. */
export const CHUNK_UNITS = 32_000;
/** Azure Tables' limit for PartitionKey and RowKey: 1 KiB of UTF-16. */
export const MAX_KEY_UNITS = 512;
/** Azure Tables' entity limit (1 MiB), less a margin for the system properties. */
export const MAX_ENTITY_BYTES = 1_040_000;
/** Azure Tables' entity-group transaction payload limit (4 MiB), less the multipart framing. */
export const MAX_TRANSACTION_BYTES = 4_000_000;
/** Bytes of multipart framing and headers each op adds to a transaction body (estimate). */
export const TRANSACTION_OP_OVERHEAD_BYTES = 700;

export interface EntityBody {
  v: number;
  w: string;
  x?: Date;
  [chunk: `d${number}`]: string;
}

/** What the engine needs of an entity read back. */
export interface StoredEntity {
  partitionKey: string;
  rowKey: string;
  etag: string;
  version: number;
  writeId?: string;
  expiresAt?: Date;
  json: string;
}

/**
 * JSON text of a value, in ASCII (non-ASCII characters as \u escapes, which JSON.parse reads
 * back), or a TypeError for values JSON cannot hold (undefined, BigInt). ASCII because Azurite
 * 3.35 corrupts a multi-byte UTF-8 character that straddles two chunks of a request body
 * (Azure/Azurite#2670); the cost is 6 characters instead of 1 per non-ASCII character stored.
 */
export function toJson(value: unknown, where: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `${where}: the value cannot be stored as JSON (${(error as Error).message}).`,
    );
  }
  if (text === undefined) throw new TypeError(`${where}: undefined cannot be stored as JSON.`);
  return text.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NON_ASCII = /[\u007f-\uffff]/g;

/** Splits (ASCII) JSON into chunks of at most CHUNK_UNITS characters. */
export function splitJson(json: string): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < json.length; start += CHUNK_UNITS) {
    chunks.push(json.slice(start, start + CHUNK_UNITS));
  }
  return chunks;
}

export function entityBody(
  json: string,
  version: number,
  writeId: string,
  expiresAt?: Date,
): EntityBody {
  const body: EntityBody = { v: version, w: writeId };
  if (expiresAt) body.x = expiresAt;
  splitJson(json).forEach((chunk, i) => {
    body[`d${i}`] = chunk;
  });
  return body;
}

/** Azure's documented formula for an entity's size (UTF-16 strings, 8 bytes per property). */
export function entitySize(partitionKey: string, rowKey: string, body: EntityBody): number {
  let size = 4 + (partitionKey.length + rowKey.length) * 2;
  for (const [name, value] of Object.entries(body)) {
    size += 8 + name.length * 2;
    size += typeof value === 'string' ? value.length * 2 + 4 : 8;
  }
  return size;
}

/** Bytes an op adds to a transaction's body: its JSON (UTF-8) and the multipart framing. */
export function transactionBytes(body: EntityBody | undefined): number {
  const json = body === undefined ? 0 : Buffer.byteLength(JSON.stringify(body), 'utf8');
  return json + TRANSACTION_OP_OVERHEAD_BYTES;
}

export function fromEntity(entity: Record<string, unknown>): StoredEntity {
  const version = entity.v;
  const etag = entity.etag;
  if (typeof version !== 'number' || typeof etag !== 'string') {
    throw new Error(
      `The Azure Tables entity ${String(entity.partitionKey)}/${String(entity.rowKey)} is not a store record (no version): was the table written by another program?`,
    );
  }
  let json = '';
  for (let i = 0; typeof entity[`d${i}`] === 'string'; i += 1) json += entity[`d${i}`] as string;
  const expiresAt = entity.x instanceof Date ? entity.x : undefined;
  return {
    partitionKey: String(entity.partitionKey),
    rowKey: String(entity.rowKey),
    etag,
    version,
    json,
    ...(typeof entity.w === 'string' && { writeId: entity.w }),
    ...(expiresAt && { expiresAt }),
  };
}
