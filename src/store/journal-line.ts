// One journal line: the changes of one coalesced group of batches, as their results (version and
// value), so replaying a line twice or on top of a newer shard file ends in the same state.
//   {"at":"…","ops":[{"op":"put","p":"tenant","c":"incidents","k":"i1","v":3,"exp":"…","value":…},
//                    {"op":"del","p":…,"c":…,"k":…}, {"op":"append","p":…,"c":"audit","k":…,"value":…}]}
import { z } from 'zod';
import { deepFreeze } from './deep-freeze.ts';
import { recordSize, type PartitionRecord } from './partition-record.ts';
import type { PlannedChange } from './plan-partition-writes.ts';

/** maybeWritten: an append that load() repeats, perhaps already in its day log. */
export type JournalChange = PlannedChange & { partition: string; maybeWritten?: boolean };

/** A change read back from a journal line. */
export type ReplayedChange =
  | { kind: 'put'; partition: string; collection: string; key: string; record: PartitionRecord }
  | { kind: 'delete'; partition: string; collection: string; key: string }
  | { kind: 'append'; partition: string; collection: string; key: string; value: unknown };

export function encodeJournalLine(changes: readonly JournalChange[], at: number): string {
  const ops = changes.map((change) => {
    const head = `"p":${JSON.stringify(change.partition)},"c":${JSON.stringify(change.collection)},"k":${JSON.stringify(change.key)}`;
    if (change.kind === 'delete') return `{"op":"del",${head}}`;
    if (change.kind === 'append') return `{"op":"append",${head},"value":${change.json}}`;
    const { version, expiresAt } = change.record;
    const exp = expiresAt === undefined ? '' : `,"exp":"${new Date(expiresAt).toISOString()}"`;
    return `{"op":"put",${head},"v":${version}${exp},"value":${change.json}}`;
  });
  return `{"at":"${new Date(at).toISOString()}","ops":[${ops.join(',')}]}\n`;
}

const name = z.string().min(1);
const where = { p: name, c: name, k: name };
const opSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('put'),
    ...where,
    v: z.int().positive(),
    exp: z.string().optional(),
    value: z.unknown(),
  }),
  z.object({ op: z.literal('del'), ...where }),
  z.object({ op: z.literal('append'), ...where, value: z.unknown() }),
]);
const lineSchema = z.object({ at: z.string(), ops: z.array(opSchema).min(1) });

/** Parses one line (already JSON.parse'd); throws an Error naming what is wrong. */
export function decodeJournalLine(raw: unknown): ReplayedChange[] {
  const outcome = lineSchema.safeParse(raw);
  if (!outcome.success) {
    const issue = outcome.error.issues[0];
    throw new Error(
      `not a journal entry (${issue?.path.join('.') ?? ''}: ${issue?.message ?? '?'})`,
    );
  }
  // Replays happen after a crash only (a clean close leaves no journal): sizing exactly is cheap.
  return outcome.data.ops.map((op): ReplayedChange => {
    const at = { partition: op.p, collection: op.c, key: op.k };
    if (op.op === 'del') return { kind: 'delete', ...at };
    const value = deepFreeze(op.value);
    if (op.op === 'append') return { kind: 'append', ...at, value };
    const size = recordSize(op.k, JSON.stringify(value), op.v, op.exp !== undefined);
    const record: PartitionRecord = { version: op.v, value, size };
    if (op.exp !== undefined) {
      record.expiresAt = Date.parse(op.exp);
      if (Number.isNaN(record.expiresAt))
        throw new Error(`exp of ${op.c}/${op.k} is not an instant`);
    }
    return { kind: 'put', ...at, record };
  });
}
