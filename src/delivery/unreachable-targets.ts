// Targets that answered 403 (bot removed or blocked, app not installed), kept in the store until
// markReachable. The caller's onUnreachable hook (tell the tenant's admins and SOC channel) runs
// once per target: the record says whether it has returned, so a crash before it did means it
// runs again at the next start (at-least-once), and never again after.
import type { Logger } from '../platform/logger.ts';
import type { WriteOp } from '../store/store.ts';
import type { DeliveryJob, DeliveryTarget } from './delivery-job.ts';
import type { RecordedFailure, UnreachableRecord } from './delivery-schemas.ts';
import type { DeliveryStore } from './delivery-store.ts';
import { MessengerError } from './messenger.ts';

export type OnUnreachable = (
  target: DeliveryTarget,
  job: DeliveryJob,
  error: MessengerError,
) => unknown;

export class UnreachableTargets {
  readonly #records = new Map<string, UnreachableRecord>();

  constructor(
    private readonly store: DeliveryStore,
    private readonly logger: Logger,
    private readonly onUnreachable: OnUnreachable | undefined,
  ) {}

  has(targetKey: string): boolean {
    return this.#records.has(targetKey);
  }

  /** The failure that made the target unreachable, if it is. */
  errorOf(targetKey: string): RecordedFailure | undefined {
    return this.#records.get(targetKey)?.error;
  }

  remember(targetKey: string, record: UnreachableRecord): void {
    this.#records.set(targetKey, record);
  }

  /** The op that records a newly unreachable target (undefined if already known). */
  markOp(
    targetKey: string,
    job: DeliveryJob,
    error: RecordedFailure,
  ): { op: WriteOp; record: UnreachableRecord } | undefined {
    if (this.#records.has(targetKey)) return undefined;
    const record = { target: job.target, since: error.at, job, error, notified: false };
    return { op: this.store.unreachableOp(targetKey, record), record };
  }

  clearOp(targetKey: string): WriteOp {
    return this.store.clearUnreachableOp(targetKey);
  }

  forget(targetKey: string): void {
    this.#records.delete(targetKey);
  }

  /** Runs the hook for every target not yet notified (after load, or right after marking). */
  async notifyPending(): Promise<void> {
    for (const key of [...this.#records.keys()]) await this.notify(key);
  }

  async notify(targetKey: string): Promise<void> {
    const record = this.#records.get(targetKey);
    if (!record || record.notified) return;
    const { target, job, error } = record;
    try {
      await this.onUnreachable?.(
        target,
        job,
        new MessengerError(error.message, { status: error.status, code: error.code }),
      );
    } catch (err) {
      this.logger.error({ err, target }, 'onUnreachable failed; it runs again at the next start');
      return;
    }
    const notified = { ...record, notified: true };
    await this.store.putUnreachable(targetKey, notified);
    this.#records.set(targetKey, notified);
  }
}
