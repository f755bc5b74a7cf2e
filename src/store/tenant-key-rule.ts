// How the flat store finds the customer tenant a record belongs to: from its key alone, by a rule
// the feature that owns the collection registers beside its collection name. A record's partition
// may never depend on its value (a get or delete has only the key), and the same key always
// lands in the same partition.

/**
 * The tenant a key (or a key prefix) names, or undefined. For a key: undefined means the record
 * belongs to no tenant (the service partition). For a prefix (isPrefix): undefined means the
 * prefix does not name a whole tenant yet, so a list has to look at every partition.
 */
export type TenantOfKey = (keyOrPrefix: string, isPrefix: boolean) => string | undefined;

export interface TenantKeyRule {
  collection: string;
  tenantOf: TenantOfKey;
}

export interface FieldOptions {
  /** Between the key's fields (default ':'). */
  separator?: string;
  /** The key is encodeURIComponent of the ':'-joined id: decoded before it is split. */
  encoded?: boolean;
  /**
   * Leading words that name a kind of record, not a tenant (`soc:<tenant>:…`,
   * `conversation:<tenant>:…`): skipped, and the tenant is the first field after them.
   */
  kinds?: readonly string[];
  /**
   * The tenant may be the key's last field (`<tenant>` alone, `<time>~…~<tenant>`). Otherwise
   * a key whose tenant field is not followed by the separator names no tenant.
   */
  last?: boolean;
}

/**
 * The tenant is the key's `index`-th field (after the kind words, if any), counted only when the
 * separator follows it (or, with `last`, when it ends a whole key): a prefix that stops inside
 * the tenant id names no tenant.
 */
export function tenantField(index = 0, options: FieldOptions = {}): TenantOfKey {
  const separator = options.separator ?? ':';
  const kinds = new Set(options.kinds ?? []);
  return (keyOrPrefix, isPrefix) => {
    const text = options.encoded ? safeDecode(keyOrPrefix) : keyOrPrefix;
    if (text === undefined) return undefined;
    const fields = text.split(separator);
    // The last field of a prefix may be cut short; that of a key is whole, but is the tenant
    // only in layouts that end with it.
    const whole = options.last && !isPrefix ? fields : fields.slice(0, -1);
    let at = 0;
    while (at < whole.length && kinds.has(whole[at] as string)) at += 1;
    const tenant = whole[at + index];
    return tenant ? tenant.toLowerCase() : undefined;
  };
}

/** A tenant as a key field: lower-cased, URI-encoded, and without '~' (a field separator). */
export function tenantKeyField(tenantId: string): string {
  return encodeURIComponent(tenantId.toLowerCase()).replaceAll('~', '%7E');
}

/** Rules for several collections that share one key layout. */
export function tenantRules(
  collections: readonly string[],
  tenantOf: TenantOfKey,
): TenantKeyRule[] {
  return collections.map((collection) => ({ collection, tenantOf }));
}

// A prefix may end inside an escape (`%3`): such a prefix names no whole field there.
function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    const cut = text.lastIndexOf('%');
    if (cut < 0 || cut < text.length - 2) return undefined;
    return safeDecode(text.slice(0, cut));
  }
}
