// Per tenant, the instant from which the next poll asks Graph for updated incidents (minus the
// overlap). Its record version is the lock of a poll's commit: every commit writes it under
// compare-and-set, so two overlapping polls of one tenant cannot both commit.
import { z } from 'zod';
import type { Store } from '../store/store.ts';

export const WATERMARKS_COLLECTION = 'watermarks';

export interface Watermark {
  /** ISO instant: the greatest lastUpdateDateTime committed so far (or the first lookback). */
  watermark: string;
  /** When this record was written (watcher clock). */
  updatedAt: string;
}

const watermarkSchema = z.object({
  watermark: z.iso.datetime({ offset: true }),
  updatedAt: z.string(),
});

export interface WatermarkState {
  /** undefined: never polled, or the record is unreadable (then polled as a first poll). */
  value: Watermark | undefined;
  /** Record version for the commit's compare-and-set; 0 when there is no record. */
  version: number;
}

export function watermarkKey(tenantId: string): string {
  return tenantId.toLowerCase();
}

export async function readWatermark(store: Store, tenantId: string): Promise<WatermarkState> {
  const record = await store.get<unknown>(WATERMARKS_COLLECTION, watermarkKey(tenantId));
  if (!record) return { value: undefined, version: 0 };
  const parsed = watermarkSchema.safeParse(record.value);
  return { value: parsed.success ? parsed.data : undefined, version: record.version };
}
