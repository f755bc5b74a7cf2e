// A file write being assembled or in flight: the changes it carries and the promise its
// mutations wait on.
import type { Collections } from './parse-collections.ts';
import type { StoredRecord } from './plan-writes.ts';

/** Changes by collection and key; undefined marks a deleted record. */
export type Overlay = Collections<StoredRecord | undefined>;

export interface PendingWrite {
  overlay: Overlay;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

export function newPendingWrite(): PendingWrite {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // every waiter gets the rejection; this only marks it handled
  return { overlay: new Map(), done, resolve, reject };
}

export function setIn<R>(target: Collections<R>, collection: string, key: string, record: R): void {
  let records = target.get(collection);
  if (!records) target.set(collection, (records = new Map<string, R>()));
  records.set(key, record);
}

// Copy-on-write: untouched collections are shared with the previous committed state.
export function applyOverlay(
  base: Collections<StoredRecord>,
  overlay: Overlay,
): Collections<StoredRecord> {
  const next = new Map(base);
  for (const [collection, changes] of overlay) {
    const records = new Map(base.get(collection));
    for (const [key, record] of changes) {
      if (record) records.set(key, record);
      else records.delete(key);
    }
    if (records.size > 0) next.set(collection, records);
    else next.delete(collection);
  }
  return next;
}
