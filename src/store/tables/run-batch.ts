// A batch of the port as one entity-group transaction: one table, one PartitionKey (a batch is
// per partition by construction), at most 100 operations and 4 MiB, all or nothing.
//
// Every op's condition becomes an ETag condition inside the transaction: a compare-and-set
// replaces with the ETag of the version expected, a create is an insert (409 if it exists). The
// SDK cannot send an ETag with a delete inside a transaction (TableClient.submitTransaction drops
// the options of "delete" actions), so a conditional delete replaces the entity with a tombstone
// (already expired, no value) under its ETag, and the tombstone is removed after the commit:
// readers treat it as absent, as any expired record. When the service refuses the transaction,
// the op it names (`<index>:` in the error) is read again to report the conflict; when its
// condition holds again (someone else's change came and went), the batch is retried.
import type { TransactionAction } from '@azure/data-tables';
import type { PartitionWriteOp } from '../partitioned-store.ts';
import { MAX_BATCH_OPS } from '../partitioned-store.ts';
import {
  MAX_TRANSACTION_BYTES,
  entityBody,
  toJson,
  transactionBytes,
  type EntityBody,
} from './entity-codec.ts';
import {
  MAX_WRITE_ATTEMPTS,
  checkExpectedVersion,
  conflict,
  isRace,
  parseExpiresAt,
  pauseBeforeRetry,
  type KnownState,
  type PartitionIo,
} from './partition-io.ts';

interface PlannedOp {
  op: PartitionWriteOp;
  rowKey: string;
  appendOnly: boolean;
  /** Puts only: the entity at a version. */
  body?: (version: number) => EntityBody;
}

type Decision =
  | { kind: 'skip' }
  | { kind: 'write'; action: TransactionAction; version: number; body: EntityBody }
  | { kind: 'delete'; action: TransactionAction }
  | { kind: 'tombstone'; action: TransactionAction; body: EntityBody };

const TOMBSTONE_EXPIRY = new Date(0);

export async function runBatch(io: PartitionIo, ops: readonly PartitionWriteOp[]): Promise<void> {
  if (ops.length === 0) return;
  const writeId = io.ctx.newWriteId();
  const planned = plan(io, ops, writeId);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
    const fresh = attempt > 0;
    if (fresh) await pauseBeforeRetry(attempt);
    const states = await Promise.all(planned.map((p) => stateFor(io, p, fresh)));
    if (fresh && states.some((s) => s?.writeId === writeId)) return; // a retried request landed
    const decisions = planned.map((p, i) => decide(io, p, states[i], writeId));
    const sent = decisions.flatMap((d, i) => (d.kind === 'skip' ? [] : [{ d, p: planned[i]! }]));
    if (sent.length === 0) return;
    try {
      const result = await io.ctx.client.submitTransaction(sent.map(({ d }) => d.action));
      const etags = result.subResponses.length === sent.length ? result.subResponses : [];
      sent.forEach(({ d, p }, i) => afterCommit(io, d, p.rowKey, etags[i]?.etag));
      return;
    } catch (error) {
      if (!isRace(error)) throw error;
      for (const { p } of sent) io.forget(p.rowKey);
      const failed = sent[failedIndex(error) ?? -1]?.p;
      if (failed) {
        // The op the service names: report its conflict, if its condition fails now.
        const state = await stateFor(io, failed, true);
        if (state?.writeId !== writeId) decide(io, failed, state, writeId);
      }
    }
  }
  throw new Error(
    `A batch in partition ${io.partition} was overtaken by other writers ${MAX_WRITE_ATTEMPTS} times in a row; try again.`,
  );
}

/** Checks every op before anything is sent: TypeErrors for what the port forbids. */
function plan(io: PartitionIo, ops: readonly PartitionWriteOp[], writeId: string): PlannedOp[] {
  if (ops.length > MAX_BATCH_OPS) {
    throw new TypeError(
      `A batch holds at most ${MAX_BATCH_OPS} ops (an Azure Tables transaction), not ${ops.length}: split it into idempotent steps.`,
    );
  }
  const rules = io.ctx.rules;
  const seen = new Set<string>();
  let bytes = 0;
  const planned = ops.map((op): PlannedOp => {
    if (op.kind !== 'put' && op.kind !== 'delete') {
      throw new TypeError(`A batch op is a put or a delete, not ${JSON.stringify(op)}.`);
    }
    const rowKey = io.rowKey(op.collection, op.key);
    if (seen.has(rowKey)) {
      throw new TypeError(
        `${op.collection}/${op.key} appears twice in one batch: Azure Tables transactions touch each record once.`,
      );
    }
    seen.add(rowKey);
    checkExpectedVersion(op.expectedVersion);
    const appendOnly = rules.isAppendOnly(op.collection);
    if (op.kind === 'delete') {
      rules.checkDelete(op.collection);
      bytes += transactionBytes(undefined);
      return { op, rowKey, appendOnly };
    }
    rules.checkPut(op.collection, op.key, op.expectedVersion);
    const json = toJson(op.value, `${op.collection}/${op.key}`);
    const expiresAt = parseExpiresAt(op.expiresAt);
    const body = (version: number) => entityBody(json, version, writeId, expiresAt);
    io.checkEntitySize(op.collection, op.key, rowKey, body(1));
    bytes += transactionBytes(body(1));
    return { op, rowKey, appendOnly, body };
  });
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw new TypeError(
      `The batch is about ${bytes} bytes, over the 4 MiB an Azure Tables transaction carries: split it into smaller idempotent steps.`,
    );
  }
  return planned;
}

/** What is known of an op's record before sending; only what its condition needs. */
async function stateFor(
  io: PartitionIo,
  p: PlannedOp,
  fresh: boolean,
): Promise<KnownState | undefined> {
  const { op } = p;
  if (op.kind === 'put' && p.appendOnly && op.expectedVersion === undefined) return undefined;
  if (op.kind === 'put' && op.expectedVersion === 0 && !fresh) return undefined; // insert decides
  const useCache = !fresh && !(op.kind === 'delete' && op.expectedVersion === 0);
  return io.known(p.rowKey, useCache, op.expectedVersion || undefined);
}

/** The transaction action of one op, or the conflict (thrown) that refuses the whole batch. */
function decide(
  io: PartitionIo,
  p: PlannedOp,
  state: KnownState | undefined,
  writeId: string,
): Decision {
  const { op, rowKey } = p;
  const partitionKey = io.partitionKey;
  const live = state !== undefined && io.isLive(state, op.collection, op.key);
  const expected = op.expectedVersion;
  if (expected === 0 && live) throw conflict(op.collection, op.key, 0, state.version);
  if (expected !== undefined && expected > 0) {
    if (!live) throw conflict(op.collection, op.key, expected, 0);
    if (state.version !== expected) {
      throw conflict(op.collection, op.key, expected, state.version);
    }
  }
  if (op.kind === 'put') {
    const version = live ? state.version + 1 : 1;
    const body = p.body!(version);
    const entity = { partitionKey, rowKey, ...body };
    if (p.appendOnly && expected === undefined) {
      return { kind: 'write', action: ['upsert', entity, 'Replace'], version, body };
    }
    // Absent: insert. Present (live, or expired and replaced as if absent): under its ETag.
    const action: TransactionAction = state
      ? ['update', entity, 'Replace', { etag: state.etag }]
      : ['create', entity];
    return { kind: 'write', action, version, body };
  }
  if (!state) return { kind: 'skip' };
  if (expected === undefined)
    return { kind: 'delete', action: ['delete', { partitionKey, rowKey }] };
  if (!live) return { kind: 'skip' }; // expected 0, and an expired leftover: absent already
  const body: EntityBody = { v: state.version, w: writeId, x: TOMBSTONE_EXPIRY };
  return {
    kind: 'tombstone',
    action: ['update', { partitionKey, rowKey, ...body }, 'Replace', { etag: state.etag }],
    body,
  };
}

function afterCommit(io: PartitionIo, d: Decision, rowKey: string, etag: string | undefined) {
  if (d.kind === 'write') {
    io.rememberWrite(rowKey, d.version, etag, d.body);
    return;
  }
  io.forget(rowKey);
  if (d.kind === 'tombstone' && etag !== undefined) io.dropLater({ rowKey, etag });
}

/** The index Azure Tables puts before the message of a refused transaction (`2:The ...`). */
function failedIndex(error: unknown): number | undefined {
  const match = /^(\d+):/.exec((error as Error).message);
  return match ? Number(match[1]) : undefined;
}
