// Request bodies and query strings of the Experts API, v1. Every body is parsed here; unknown
// fields are refused, so a typo in the experts' tooling is a 400 with the field's path, not a
// silently dropped value. Limits keep one response within what cards and Graph comments carry.
import { z } from 'zod';
import { parseEnum, severities } from '../../../domain/incident.ts';
import { oneClickKinds } from '../../../domain/response-action.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const actionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "-" or "_"');
export const incidentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Defender incident id');

const severity = z
  .string()
  .refine((v) => parseEnum(severities, v, 'unknownFutureValue') !== 'unknownFutureValue', {
    message: 'must be one of informational, low, medium, high, unknown',
  })
  .transform((v) => parseEnum(severities, v, 'unknown'));

const indicator = z.strictObject({
  type: text(40),
  value: text(1000),
  description: text(1000).optional(),
});

export const summarySchema = z.strictObject({
  headline: text(400),
  narrative: text(20_000),
  severity,
  potentialImpact: text(2_000),
  timeline: z
    .array(
      z.strictObject({
        at: z.iso.datetime({ offset: true }),
        device: text(200),
        event: text(1000),
      }),
    )
    .max(200)
    .default([]),
  indicatorsOfAttack: z.array(indicator).max(200).default([]),
  indicatorsOfCompromise: z.array(indicator).max(200).default([]),
});

export const actionSchema = z
  .strictObject({
    id: actionIdSchema,
    kind: z.enum([...oneClickKinds, 'manual']),
    title: text(200),
    description: text(4_000),
    impact: text(1_000).optional(),
    device: z.strictObject({ id: text(100), name: text(200) }).optional(),
    file: z
      .strictObject({
        sha1: z.string().regex(/^[0-9a-fA-F]{40}$/, 'must be a SHA-1 (40 hex digits)'),
        name: text(260),
      })
      .optional(),
    isolationType: z.enum(['full', 'selective']).optional(),
    completedByExperts: z.boolean().optional(),
  })
  .superRefine((action, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (action.kind === 'manual' && action.device)
      problem('device', 'manual actions take no device');
    if (action.kind !== 'manual' && !action.device)
      problem('device', 'one-click actions need the device');
    if (action.kind === 'quarantineFile' && !action.file)
      problem('file', 'quarantineFile needs the file');
    if (action.kind !== 'quarantineFile' && action.file)
      problem('file', 'only quarantineFile takes a file');
    if (action.kind !== 'isolateDevice' && action.isolationType) {
      problem('isolationType', 'only isolateDevice takes an isolation type');
    }
  });

const actionList = (min: number) =>
  z
    .array(actionSchema)
    .min(min)
    .max(50)
    .superRefine((actions, ctx) => {
      const seen = new Set<string>();
      actions.forEach((action, index) => {
        if (seen.has(action.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `"${action.id}" is used twice`,
          });
        }
        seen.add(action.id);
      });
    });

export const publishBodySchema = z.strictObject({ summary: summarySchema, actions: actionList(0) });
export const addActionsBodySchema = z.strictObject({ actions: actionList(1) });
export const updateBodySchema = z.strictObject({ text: text(4_000) });

export const auditQuerySchema = z.strictObject({
  tenantId: z.string().min(1).optional(),
  incidentId: incidentIdSchema.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const reportQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** "actions[0].device" from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, segment) =>
      typeof segment === 'number'
        ? `${out}[${segment}]`
        : out
          ? `${out}.${String(segment)}`
          : String(segment),
    '',
  );
}
