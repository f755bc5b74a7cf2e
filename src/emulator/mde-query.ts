// OData query options of the Defender for Endpoint list APIs: `$filter` (property names matched
// case-insensitively, as the MDE docs themselves spell them either way), `$orderby`, `$top` (at
// most 10,000, "Maximum page size is 10,000") and `$skip`. Sources: "List machines API"
// (get-machines), "List MachineActions API" (get-machineactions-collection), "OData queries with
// Microsoft Defender for Endpoint" (exposed-apis-odata-samples).
import type { RouteContext } from './http-kit.ts';
import { compileFilter, ODataQueryError, parseCount, type FilterFields } from './odata-filter.ts';

export const MDE_MAX_PAGE = 10_000;

/** Sort keys a list accepts in `$orderby`, by property name. */
export type SortKeys<T> = Record<string, (item: T) => number | string>;

function sorter<T>(orderby: string, keys: SortKeys<T>): (a: T, b: T) => number {
  const clauses = orderby.split(',').map((clause) => {
    const [name = '', direction = 'asc', ...rest] = clause.trim().split(/\s+/);
    const keyName = Object.keys(keys).find((k) => k.toLowerCase() === name.toLowerCase());
    const key = keyName === undefined ? undefined : keys[keyName];
    const dir = direction.toLowerCase();
    if (!key || rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) {
      throw new ODataQueryError(`Unsupported $orderby clause '${clause.trim()}'.`);
    }
    return { key, sign: dir === 'asc' ? 1 : -1 };
  });
  return (a, b) => {
    for (const { key, sign } of clauses) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  };
}

/** Filters, orders (stable: ties keep the list's own order) and pages `items`. */
export function mdePage<T>(
  ctx: RouteContext,
  items: T[],
  fields: FilterFields<T>,
  sortKeys: SortKeys<T>,
): T[] {
  const q = ctx.url.searchParams;
  const filter = q.get('$filter');
  let matched =
    filter === null
      ? items
      : items.filter(compileFilter(filter, fields, { caseInsensitiveNames: true }));
  const orderby = q.get('$orderby');
  if (orderby !== null) matched = [...matched].sort(sorter(orderby, sortKeys));
  const top = Math.min(parseCount(q.get('$top'), '$top', MDE_MAX_PAGE), MDE_MAX_PAGE);
  const skip = parseCount(q.get('$skip'), '$skip', 0);
  return matched.slice(skip, skip + top);
}
