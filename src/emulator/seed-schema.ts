// What the emulator is seeded with: tenants, their registered apps, Graph-shaped incidents (with
// alerts) and MDE devices. The same schemas parse seeds that arrive over the control API.
import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true });

export const appSeedSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Shown as the author of comments and the requestor of machine actions. */
  displayName: z.string().optional(),
});

export const alertCommentSchema = z.object({
  comment: z.string(),
  createdByDisplayName: z.string(),
  createdDateTime: isoDateTime,
});
export type AlertComment = z.infer<typeof alertCommentSchema>;

/** A Graph security alert; kept as given apart from the ids the emulator fills in. */
export const alertSeedSchema = z.looseObject({
  id: z.string().min(1),
  title: z.string(),
});

export const incidentSeedSchema = z.object({
  id: z.string().regex(/^\d+$/, 'Graph incident ids are numeric strings'),
  displayName: z.string().min(1),
  description: z.string().nullable().optional(),
  severity: z.enum(['unknown', 'informational', 'low', 'medium', 'high']).default('medium'),
  status: z
    .enum(['active', 'inProgress', 'awaitingAction', 'resolved', 'redirected'])
    .default('active'),
  assignedTo: z.string().nullable().default(null),
  classification: z
    .enum(['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity'])
    .default('unknown'),
  determination: z.string().default('unknown'),
  customTags: z.array(z.string()).default([]),
  systemTags: z.array(z.string()).default([]),
  redirectIncidentId: z.string().nullable().default(null),
  createdDateTime: isoDateTime.optional(),
  lastUpdateDateTime: isoDateTime.optional(),
  comments: z.array(alertCommentSchema).default([]),
  summary: z.string().nullable().optional(),
  alerts: z.array(alertSeedSchema).default([]),
});
export type EmulatorIncidentSeed = z.input<typeof incidentSeedSchema>;

/** An MDE machine; fields beyond these are returned as given. */
export const deviceSeedSchema = z.looseObject({
  id: z.string().min(1),
  computerDnsName: z.string().min(1),
  osPlatform: z.string().min(1),
  healthStatus: z.string().default('Active'),
});
export type EmulatorDeviceSeed = z.input<typeof deviceSeedSchema>;

export const tenantSeedSchema = z.object({
  tenantId: z.guid(),
  name: z.string().min(1),
  apps: z.array(appSeedSchema).default([]),
  incidents: z.array(incidentSeedSchema).default([]),
  devices: z.array(deviceSeedSchema).default([]),
});
export type EmulatorTenantSeed = z.input<typeof tenantSeedSchema>;
export type EmulatorApp = z.infer<typeof appSeedSchema>;
