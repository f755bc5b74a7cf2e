// The last committed view of each incident (collection `incidentSnapshots`, key
// `${tenantId}:${incidentId}`): what a new poll result is compared with. Written only in a
// poll's commit batch, beside the watermark and the outbox events.
import { z } from 'zod';
import type { Incident } from '../domain/incident.ts';
import type { Store } from '../store/store.ts';

export const SNAPSHOTS_COLLECTION = 'incidentSnapshots';

export function snapshotKey(tenantId: string, incidentId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}`;
}

// The fields change detection reads; the rest is kept as stored.
const snapshotSchema = z.looseObject({
  id: z.string(),
  tenantId: z.string(),
  status: z.string(),
  assignedTo: z.string().nullable(),
  classification: z.string(),
  determination: z.string(),
  lastUpdatedAt: z.string(),
  customTags: z.array(z.string()),
  systemTags: z.array(z.string()),
  redirectIncidentId: z.string().optional(),
  comments: z.array(
    z.looseObject({ comment: z.string(), createdBy: z.string(), createdAt: z.string() }),
  ),
});

export interface StoredSnapshot {
  /** undefined when the record exists but cannot be read (then treated as never seen). */
  incident: Incident | undefined;
  version: number;
}

/** The stored snapshots of these incidents; absent ones are missing from the map. */
export async function readSnapshots(
  store: Store,
  tenantId: string,
  incidentIds: readonly string[],
): Promise<Map<string, StoredSnapshot>> {
  const records = await Promise.all(
    incidentIds.map((id) => store.get<unknown>(SNAPSHOTS_COLLECTION, snapshotKey(tenantId, id))),
  );
  const snapshots = new Map<string, StoredSnapshot>();
  records.forEach((record, i) => {
    const id = incidentIds[i];
    if (!record || id === undefined) return;
    const parsed = snapshotSchema.safeParse(record.value);
    snapshots.set(id, {
      incident: parsed.success ? (parsed.data as unknown as Incident) : undefined,
      version: record.version,
    });
  });
  return snapshots;
}

/** Same content, whatever the key order (stored values went through JSON). */
export function sameSnapshot(a: Incident, b: Incident): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
