// The delivery engine as the features use it: one port for every use. DeliveryEngine implements
// it; jobs and records are the delivery engine's own types (src/delivery/delivery-job.ts).
import type { DeliveryJob, DeliveryRecord, DeliveryTarget } from '../delivery/delivery-job.ts';
import type { JobRecord, JobStatus } from '../delivery/delivery-schemas.ts';
import type { WriteOp } from '../store/store.ts';

export interface Delivery {
  /** Stores the jobs in one batch and wakes the engine; ids it already knows are skipped. */
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
  /** The store ops that enqueue `jobs` inside the caller's own batch; call wake() after it. */
  enqueueOps(jobs: readonly DeliveryJob[]): WriteOp[];
  wake(): void;
  /** Where the message recorded under `messageKey` was delivered, if it was. */
  findDelivery(messageKey: string): Promise<DeliveryRecord | undefined>;
  /**
   * The message key of the card that starts the thread `activityId` roots in `conversationId`
   * (a channel, or one of its threads), for kinds whose cards start threads (`soc`).
   */
  findThreadRoot(
    kind: string,
    tenantId: string,
    conversationId: string,
    activityId: string,
  ): Promise<string | undefined>;
  listJobs(filter?: { status?: JobStatus }): Promise<JobRecord[]>;
  /** Sends again what was parked behind `target` (the app was installed there). */
  markReachable(target: DeliveryTarget): Promise<number>;
}
