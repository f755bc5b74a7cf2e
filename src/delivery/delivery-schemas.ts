// Shapes of what the engine keeps in the Store. Records are read back after restarts and
// upgrades, so they are parsed, not trusted; a record that does not parse is reported and left
// for an operator rather than crashing the worker.
import { z } from 'zod';
import type { CardView, DeliveryJob, DeliveryRecord, DeliveryTarget } from './delivery-job.ts';

const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('personal'), tenantId: z.string().min(1), userId: z.string().min(1) }),
  z.object({
    kind: z.literal('conversation'),
    tenantId: z.string().min(1),
    conversationId: z.string().min(1),
  }),
  z.object({ kind: z.literal('email'), tenantId: z.string().min(1), userId: z.string().min(1) }),
]);

// A record of string ids with a `kind`; zod's record type has no required key, hence the cast
// to the contract type after the refine has checked it.
const viewSchema = z
  .record(z.string(), z.string())
  .refine((v) => typeof v.kind === 'string' && v.kind !== '', {
    message: 'a view needs a kind',
  }) as unknown as z.ZodType<CardView>;

const activitySchema = z.looseObject({
  text: z.string().optional(),
  summary: z.string().optional(),
  attachments: z.array(z.object({ contentType: z.string(), content: z.unknown() })).optional(),
  view: viewSchema.optional(),
});

const operationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('send'),
    activity: activitySchema,
    replyToMessageKey: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('update'), messageKey: z.string().min(1), activity: activitySchema }),
]);

// Typed as the contract, so parsed jobs are DeliveryJob (not zod's wider loose-object type).
export const deliveryJobSchema: z.ZodType<DeliveryJob> = z.object({
  id: z.string().min(1),
  orderingKey: z.string().min(1),
  target: targetSchema,
  operation: operationSchema,
  messageKey: z.string().min(1).optional(),
  createdAt: z.string(),
  notBefore: z.string().optional(),
});

export const jobStatuses = ['pending', 'inFlight', 'parked', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

const failureSchema = z.object({
  status: z.number().int(),
  code: z.string().optional(),
  message: z.string(),
  at: z.string(),
});
export type RecordedFailure = z.infer<typeof failureSchema>;

export const jobRecordSchema = z.object({
  job: deliveryJobSchema,
  /** Enqueue order (a hybrid clock: wall-clock µs, bumped to stay strictly increasing). */
  seq: z.number().int().nonnegative(),
  status: z.enum(jobStatuses),
  /** Calls tried so far, counting one interrupted by a crash. */
  attempts: z.number().int().nonnegative(),
  /** `attempts` when the retry budget was last reset (markReachable). */
  budgetStart: z.number().int().nonnegative(),
  notBefore: z.string().optional(),
  lastError: failureSchema.optional(),
  updatedAt: z.string(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const inboxEntrySchema = z.object({ job: deliveryJobSchema, seq: z.number().int() });
export type InboxEntry = z.infer<typeof inboxEntrySchema>;

/** A target made reachable on an instance that does not deliver its tenant, for the owner. */
export const reachableNoticeSchema = z.object({ target: targetSchema, at: z.string() });

export const deliveryRecordSchema = z.object({
  jobId: z.string(),
  target: targetSchema,
  conversationId: z.string(),
  activityId: z.string(),
  deliveredAt: z.string(),
  attempts: z.number().int(),
  skipped: z.string().optional(),
}) satisfies z.ZodType<DeliveryRecord>;

export const unreachableSchema = z.object({
  target: targetSchema,
  since: z.string(),
  /** The job whose failure revealed it, handed to onUnreachable. */
  job: deliveryJobSchema,
  error: failureSchema,
  /** onUnreachable has returned for this target (it is called again after a crash until then). */
  notified: z.boolean(),
});
export type UnreachableRecord = z.infer<typeof unreachableSchema> & { target: DeliveryTarget };
