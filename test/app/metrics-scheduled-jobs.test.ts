// The queue-latency gauge counts a job scheduled for later (the email fallback's wait) from its
// due time, so waiting emails do not look like a stuck queue.
import assert from 'node:assert/strict';
import { AppMetrics } from '../../src/app/metrics.ts';
import type { JobRecord } from '../../src/delivery/delivery-schemas.ts';

const now = Date.parse('2026-03-01T08:10:00.000Z');

function pending(createdAt: string, notBefore?: string): JobRecord {
  return {
    job: {
      id: `j-${createdAt}-${notBefore ?? ''}`,
      orderingKey: 'k',
      target: { kind: 'email', tenantId: 't', userId: 'u' },
      operation: { kind: 'send', activity: {} },
      createdAt,
      ...(notBefore ? { notBefore } : {}),
    },
    seq: 1,
    status: 'pending',
    attempts: 0,
    budgetStart: 0,
    updatedAt: createdAt,
  };
}

async function oldestAge(jobs: JobRecord[]): Promise<number> {
  const metrics = new AppMetrics({
    health: () => [],
    listJobs: () => Promise.resolve(jobs),
    now: () => new Date(now),
  });
  const text = await metrics.registry.metrics();
  return Number(/^mrb_delivery_oldest_job_age_seconds ([0-9.e+-]+)$/m.exec(text)?.[1]);
}

describe('delivery queue latency with scheduled jobs', () => {
  it('ignores a job not due yet and counts a due one from its due time', async () => {
    assert.equal(
      await oldestAge([pending('2026-03-01T08:05:00.000Z', '2026-03-01T08:15:00.000Z')]),
      0,
    );
    assert.equal(
      await oldestAge([pending('2026-03-01T08:00:00.000Z', '2026-03-01T08:09:00.000Z')]),
      60,
    );
    assert.equal(await oldestAge([pending('2026-03-01T08:08:00.000Z')]), 120);
  });
});
