// How a collection's records are spread over shard files: by a hash of the key into 2^bits
// shards, bits growing with the collection so that no shard file outgrows maxShardBytes and a
// checkpoint step rewrites one bounded file, however large the tenant. A layout only ever grows
// (one full rewrite of the collection per doubling); a file name carries its layout, so after a
// crash in the middle of a regrowth both layouts can be read and the newer one wins.
const MAX_BITS = 16;
const fileNamePattern = /^shard-b(\d{1,2})-(\d{1,5})\.json$/;

/**
 * FNV-1a over UTF-16 code units, then murmur3's finalizer: fast and stable across releases and
 * platforms. The finalizer matters: shards are chosen by the top bits, which plain FNV-1a leaves
 * badly spread for keys that differ only in their last digits (inc-00001, inc-00002, …).
 */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function shardOf(key: string, bits: number): number {
  return bits === 0 ? 0 : hashKey(key) >>> (32 - bits);
}

/** The smallest layout, at least `bits`, whose shards hold about maxShardBytes or less each. */
export function bitsFor(bytes: number, maxShardBytes: number, bits: number): number {
  let grown = bits;
  while (grown < MAX_BITS && bytes > maxShardBytes * 2 ** grown) grown += 1;
  return grown;
}

export function shardFileName(bits: number, shard: number): string {
  return `shard-b${bits}-${shard}.json`;
}

export function parseShardFileName(name: string): { bits: number; shard: number } | undefined {
  const match = fileNamePattern.exec(name);
  if (!match) return undefined;
  const bits = Number(match[1]);
  const shard = Number(match[2]);
  return bits <= MAX_BITS && shard < 2 ** bits ? { bits, shard } : undefined;
}
