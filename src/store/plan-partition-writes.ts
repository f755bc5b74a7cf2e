// The write rules of the partitioned Store port as one pure function, shared by the in-process
// engines (the journaled lowdb store and the memory fake) so that both enforce the same contract:
// every op is checked against the state the writer sees before anything changes.
import { AppendOnlyRules } from './append-only-rules.ts';
import { deepFreeze } from './deep-freeze.ts';
import { isLive, recordSize, toVersioned, type PartitionRecord } from './partition-record.ts';
import { MAX_BATCH_OPS, type PartitionWriteOp } from './partitioned-store.ts';
import { StoreConflictError, type VersionedRecord } from './store.ts';

/** The current record of collection/key as the writer sees it (expired or not), if any. */
export type PartitionLookup = (collection: string, key: string) => PartitionRecord | undefined;

export type PlannedChange =
  /** json: the value as JSON text, for a journal line without encoding the value again. */
  | { kind: 'put'; collection: string; key: string; record: PartitionRecord; json: string }
  | { kind: 'delete'; collection: string; key: string }
  /** A record of an append-only collection: trusted to be new, never read back first. */
  | { kind: 'append'; collection: string; key: string; day: string; value: unknown; json: string };

export interface PartitionWritePlan {
  changes: PlannedChange[];
  /** One per op: the new record of a put, whether a record was removed for a delete. */
  results: (VersionedRecord<unknown> | boolean)[];
}

export interface PlanContext {
  lookup: PartitionLookup;
  appendOnly: AppendOnlyRules;
  /** Epoch ms: records expired at this instant are absent. */
  now: number;
  /** Most ops one batch may hold (default MAX_BATCH_OPS, the Azure Tables limit). */
  maxBatchOps?: number;
}

/** Checks every op and computes the changes, or throws without changing anything. */
export function planPartitionWrites(
  ops: readonly PartitionWriteOp[],
  { lookup, appendOnly, now, maxBatchOps = MAX_BATCH_OPS }: PlanContext,
): PartitionWritePlan {
  if (ops.length > maxBatchOps) {
    throw new TypeError(`A batch holds at most ${maxBatchOps} ops, got ${ops.length}`);
  }
  const seen = new Set<string>();
  const plan: PartitionWritePlan = { changes: [], results: [] };
  for (const op of ops) {
    checkName('collection', op.collection);
    checkName('key', op.key);
    const id = JSON.stringify([op.collection, op.key]);
    if (seen.has(id)) throw new TypeError(`A batch may touch ${op.collection}/${op.key} only once`);
    seen.add(id);
    checkExpectedVersion(op.expectedVersion);
    if (appendOnly.has(op.collection)) {
      planAppend(op, plan);
      continue;
    }
    const current = lookup(op.collection, op.key);
    const actual = isLive(current, now) ? current!.version : 0;
    if (op.expectedVersion !== undefined && op.expectedVersion !== actual) {
      throw new StoreConflictError(op.collection, op.key, op.expectedVersion, actual);
    }
    if (op.kind === 'put') {
      const { value, json } = toFrozenJson(op.value, op);
      const version = actual + 1;
      const expiring = op.expiresAt !== undefined;
      const size = recordSize(op.key, json, version, expiring);
      const record: PartitionRecord = { version, value, size };
      if (expiring) record.expiresAt = parseInstant(op.expiresAt, op);
      plan.changes.push({ kind: 'put', collection: op.collection, key: op.key, record, json });
      plan.results.push(toVersioned(op.key, record));
    } else {
      if (actual > 0) plan.changes.push({ kind: 'delete', collection: op.collection, key: op.key });
      plan.results.push(actual > 0);
    }
  }
  return plan;
}

function planAppend(op: PartitionWriteOp, plan: PartitionWritePlan): void {
  const where = `${op.collection}/${op.key}`;
  if (op.kind !== 'put') throw new TypeError(`${op.collection} is append-only: cannot delete`);
  if (op.expectedVersion !== undefined && op.expectedVersion !== 0) {
    throw new TypeError(`${op.collection} is append-only: ${where} can only be created`);
  }
  if (op.expiresAt !== undefined) {
    throw new TypeError(`${op.collection} is append-only: it is kept by day, not by expiresAt`);
  }
  const day = AppendOnlyRules.dayOf(op.key);
  if (!day) throw new TypeError(`${op.collection} is append-only: ${where} must start with a date`);
  const { value, json } = toFrozenJson(op.value, op);
  plan.changes.push({ kind: 'append', collection: op.collection, key: op.key, day, value, json });
  plan.results.push({ key: op.key, version: 1, value });
}

// Values are stored as JSON (journal lines, lowdb files, Azure Tables properties): normalising
// here gives every engine the same behaviour (Dates become strings, undefined fields vanish).
function toFrozenJson(value: unknown, op: PartitionWriteOp): { value: unknown; json: string } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `The value for ${op.collection}/${op.key} cannot be stored as JSON: ${(error as Error).message}`,
    );
  }
  if (json === undefined) {
    throw new TypeError(`The value for ${op.collection}/${op.key} cannot be stored as JSON`);
  }
  return { value: deepFreeze(JSON.parse(json) as unknown), json };
}

function parseInstant(text: unknown, op: PartitionWriteOp): number {
  const ms = typeof text === 'string' ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new TypeError(`expiresAt of ${op.collection}/${op.key} must be an ISO instant`);
  }
  return ms;
}

function checkExpectedVersion(expected: number | undefined): void {
  if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
    throw new TypeError(`expectedVersion must be an integer >= 0, got ${expected}`);
  }
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`The ${what} must be a non-empty string`);
  }
}
