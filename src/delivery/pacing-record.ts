// The Teams pacing of a customer tenant, handed from its owner to the next one
// (src/app/pacing-handover.ts): one record per tenant, keyed by its id lower-cased, so it lives
// in the tenant's partition. Rewritten while the tenant is busy; an old one is harmless (seed
// ignores what has run out) and goes with the bookkeeping's retention.
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import type { PacingSnapshot } from './teams-rate-gate.ts';

export const TEAMS_PACING = 'teamsPacing';

const HOUR_MS = 3_600_000;
const windowUse = z.tuple([
  z.number().int().positive(),
  z.number().int().positive(),
  // A Retry-After block could say more; no hold handed over lasts beyond an hour.
  z
    .number()
    .positive()
    .transform((ms) => Math.min(ms, HOUR_MS)),
]);
const pacingSchema = z.object({
  takenAt: z.number().int().nonnegative(),
  lastCallAt: z.number().int().nonnegative(),
  conversations: z.array(
    z.object({ key: z.string().min(1), tenant: z.string().min(1), windows: z.array(windowUse) }),
  ),
  tenants: z.array(z.object({ key: z.string().min(1), windows: z.array(windowUse) })),
});

export function pacingKey(tenantId: string): string {
  return tenantId.toLowerCase();
}

/** The tenant's last handed-over pacing; undefined when none was written. */
export async function readPacing(
  store: Store,
  tenantId: string,
): Promise<PacingSnapshot | undefined> {
  const record = await store.get<unknown>(TEAMS_PACING, pacingKey(tenantId));
  if (!record) return undefined;
  const parsed = pacingSchema.safeParse(record.value);
  if (!parsed.success) {
    throw new TypeError(
      `${TEAMS_PACING}/${record.key} is not a pacing snapshot (${parsed.error.message}); it is replaced at the next write`,
    );
  }
  return parsed.data;
}

export async function writePacing(
  store: Store,
  tenantId: string,
  snapshot: PacingSnapshot,
): Promise<void> {
  await store.put(TEAMS_PACING, pacingKey(tenantId), snapshot);
}
