// The compare-and-set rules of the Store port as pure functions, shared by every in-process
// implementation (LowdbStore and the MemoryStore fake) so both enforce exactly the same contract.
import { StoreConflictError, type VersionedRecord, type WriteOp } from './store.ts';

export interface StoredRecord {
  version: number;
  value: unknown;
}

/** The current record of collection/key as the writer sees it, or undefined if absent. */
export type RecordLookup = (collection: string, key: string) => StoredRecord | undefined;

export interface PlannedChange {
  collection: string;
  key: string;
  /** undefined: delete the record. */
  record: StoredRecord | undefined;
}

export interface WritePlan {
  changes: PlannedChange[];
  /** One per op: the new record for a put, whether a record was removed for a delete. */
  results: (StoredRecord | boolean)[];
}

/**
 * Checks every op against the current state and computes the changes, or throws without
 * changing anything. A key may appear only once per batch: Azure Tables transactions refuse
 * the same entity twice, so allowing it here would make code work on lowdb only.
 */
export function planWrites(ops: readonly WriteOp[], lookup: RecordLookup): WritePlan {
  const seen = new Set<string>();
  const plan: WritePlan = { changes: [], results: [] };
  for (const op of ops) {
    checkName('collection', op.collection);
    checkName('key', op.key);
    const id = JSON.stringify([op.collection, op.key]);
    if (seen.has(id)) {
      throw new TypeError(`A batch may touch ${op.collection}/${op.key} only once`);
    }
    seen.add(id);
    const current = lookup(op.collection, op.key);
    const actual = current?.version ?? 0;
    if (op.expectedVersion !== undefined) {
      if (!Number.isInteger(op.expectedVersion) || op.expectedVersion < 0) {
        throw new TypeError(`expectedVersion must be an integer >= 0, got ${op.expectedVersion}`);
      }
      if (op.expectedVersion !== actual) {
        throw new StoreConflictError(op.collection, op.key, op.expectedVersion, actual);
      }
    }
    if (op.kind === 'put') {
      const record = { version: actual + 1, value: toJsonValue(op.value, op) };
      plan.changes.push({ collection: op.collection, key: op.key, record });
      plan.results.push(record);
    } else {
      if (current) plan.changes.push({ collection: op.collection, key: op.key, record: undefined });
      plan.results.push(current !== undefined);
    }
  }
  return plan;
}

/** A copy for the caller, so neither side can change the other's object afterwards. */
export function toVersionedRecord<T>(key: string, record: StoredRecord): VersionedRecord<T> {
  return { key, version: record.version, value: structuredClone(record.value) as T };
}

// Values are stored as JSON (the lowdb file, Azure Tables properties): normalising here gives
// every implementation the same behaviour (Dates become strings, undefined fields vanish).
function toJsonValue(value: unknown, op: WriteOp): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new TypeError(`The value for ${op.collection}/${op.key} cannot be stored as JSON`);
  }
  return JSON.parse(text);
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`The ${what} must be a non-empty string`);
  }
}
