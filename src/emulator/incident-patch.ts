// Validation of an incident update, shared by the Graph PATCH route and the control API (the
// experts' way of moving incidents). Enum values are accepted case-insensitively, as Graph does,
// and stored in Graph's camelCase; an unknown value or property is a 400, never ignored.
import { z } from 'zod';
import { HttpError } from './http-kit.ts';

const statuses = ['active', 'inProgress', 'awaitingAction', 'resolved', 'redirected'] as const;
const classifications = [
  'unknown',
  'falsePositive',
  'truePositive',
  'informationalExpectedActivity',
] as const;
// Graph's metadata names (what the generated SDKs use), not the older names some doc pages show:
// a client that sends those would be rejected by Graph too.
const determinations = [
  'unknown',
  'apt',
  'malware',
  'securityPersonnel',
  'securityTesting',
  'unwantedSoftware',
  'other',
  'multiStagedAttack',
  'compromisedAccount',
  'phishing',
  'maliciousUserActivity',
  'notMalicious',
  'notEnoughDataToValidate',
  'confirmedActivity',
  'lineOfBusinessApplication',
] as const;

const patchSchema = z.strictObject({
  '@odata.type': z.string().optional(),
  assignedTo: z.string().nullable().optional(),
  classification: z.string().optional(),
  determination: z.string().optional(),
  status: z.string().optional(),
  customTags: z.array(z.string()).optional(),
});

export interface IncidentPatch {
  assignedTo?: string | null;
  classification?: (typeof classifications)[number];
  determination?: (typeof determinations)[number];
  status?: (typeof statuses)[number];
  customTags?: string[];
}

function enumValue<T extends string>(
  values: readonly T[],
  raw: string | undefined,
  property: string,
): T | undefined {
  if (raw === undefined) return undefined;
  const found = values.find((v) => v.toLowerCase() === raw.toLowerCase());
  if (!found) {
    throw new HttpError(
      400,
      'BadRequest',
      `Invalid value '${raw}' for property '${property}'. Allowed: ${values.join(', ')}.`,
    );
  }
  return found;
}

/**
 * Parses a PATCH body. Only the experts (the control API) may set `awaitingAction`: Graph's docs
 * say "Only Microsoft 365 Defender experts can set this status", so an app gets a 400.
 */
export function parseIncidentPatch(body: unknown, options: { asExperts: boolean }): IncidentPatch {
  const parsed = patchSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    throw new HttpError(
      400,
      'BadRequest',
      `Invalid incident update (${where}): ${issue?.message ?? ''}`,
    );
  }
  const raw = parsed.data;
  const patch: IncidentPatch = {};
  if (raw.assignedTo !== undefined) patch.assignedTo = raw.assignedTo;
  if (raw.customTags !== undefined) patch.customTags = raw.customTags;
  const classification = enumValue(classifications, raw.classification, 'classification');
  if (classification) patch.classification = classification;
  const determination = enumValue(determinations, raw.determination, 'determination');
  if (determination) patch.determination = determination;
  const status = enumValue(statuses, raw.status, 'status');
  if (status === 'awaitingAction' && !options.asExperts) {
    throw new HttpError(
      400,
      'BadRequest',
      "Only Microsoft Defender Experts can set the status 'awaitingAction'.",
    );
  }
  if (status) patch.status = status;
  return patch;
}
