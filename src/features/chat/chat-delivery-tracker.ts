// Follows each relayed message until the delivery engine is done with it: a customer hears that
// the experts received their message; a message that cannot be delivered is reported to its
// sender (an expert's reply, in the incident's thread). The engine retries throttling and outages
// on its own; this only reacts to the end states: delivered, failed, or parked behind a
// conversation that the bot can no longer reach (reported once; delivered later if it comes back).
//
// The pending records are durable and every notice's job id derives from the relay job's id, so a
// restart neither loses a confirmation nor sends one twice. With several instances each relay is
// followed by the owner of its tenant (`owns`), so the job list is read by one instance.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DeliveryJob } from '../../delivery/delivery-job.ts';
import type { JobRecord } from '../../delivery/delivery-schemas.ts';
import { StoreConflictError, type WriteOp } from '../../store/store.ts';
import { customerNoticeJob, expertsNoticeJob, type ExpertsSide } from './chat-jobs.ts';
import type { PendingRelay } from './chat-records.ts';
import type { ChatStore } from './chat-store.ts';
import { failureReason, words } from './chat-words.ts';

export interface ChatDeliveryTrackerDeps {
  store: ChatStore;
  delivery: Delivery;
  experts: ExpertsSide;
  logger: Logger;
  now: Clock;
  /** How often start() looks (default 1000 ms). */
  intervalMs?: number;
  /** Whether this instance follows the tenant's relays (default: every tenant). */
  owns?: (tenantId: string) => boolean;
}

export class ChatDeliveryTracker {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;

  constructor(private readonly deps: ChatDeliveryTrackerDeps) {}

  /** One look at every pending relay; resolves with the number settled or reported. */
  tick(): Promise<number> {
    this.#running ??= this.#tick().finally(() => (this.#running = undefined));
    return this.#running;
  }

  start(): void {
    this.#stopped = false;
    const loop = () => {
      if (this.#stopped) return;
      this.tick()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'chat delivery tracking failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(loop, this.deps.intervalMs ?? 1000);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #tick(): Promise<number> {
    const { store, delivery } = this.deps;
    const owns = this.deps.owns ?? (() => true);
    const pending = (await store.listPending()).filter((p) => owns(p.value.tenantId));
    if (pending.length === 0) return 0;
    const all = await delivery.listJobs();
    const jobs = new Map(all.map((j) => [j.job.id, j]));
    // A job waits behind a parked one of its ordering key (e.g. the thread's header card): it is
    // held for the same reason, so its sender hears about it too.
    const heldKeys = new Set(
      all.filter((j) => j.status === 'parked').map((j) => j.job.orderingKey),
    );
    let handled = 0;
    for (const { value, version } of pending) {
      const delivered = await delivery.findDelivery(value.messageKey);
      const job = jobs.get(value.jobId);
      const step = delivered
        ? this.#delivered(value, version)
        : job?.status === 'failed'
          ? this.#failed(value, version, job)
          : job && !value.parkedNoticeSent && heldKeys.has(job.job.orderingKey)
            ? this.#parked(value, version)
            : undefined;
      if (!step) continue;
      try {
        await store.batch([...step.ops, ...delivery.enqueueOps(step.jobs)]);
        handled += 1;
      } catch (err) {
        if (!(err instanceof StoreConflictError)) throw err;
      }
    }
    if (handled > 0) delivery.wake();
    return handled;
  }

  #delivered(p: PendingRelay, version: number): Step {
    const jobs: DeliveryJob[] = [];
    if (p.direction === 'toExperts' && p.origin) {
      jobs.push(
        customerNoticeJob(
          p.tenantId,
          p.incidentId,
          p.origin,
          `${p.jobId}:ack`,
          words.delivered(this.deps.experts.name),
          this.#now(),
        ),
      );
    }
    return { ops: [this.deps.store.deletePendingOp(p.jobId, version)], jobs };
  }

  #failed(p: PendingRelay, version: number, job: JobRecord): Step {
    const reason = failureReason(job.lastError);
    this.deps.logger.warn(
      { jobId: p.jobId, reason },
      'a relayed chat message could not be delivered',
    );
    return {
      ops: [this.deps.store.deletePendingOp(p.jobId, version)],
      jobs: [
        this.#notice(
          p,
          `${p.jobId}:failed`,
          p.direction === 'toExperts'
            ? words.toExpertsFailed(this.deps.experts.name, reason)
            : words.toCustomerFailed(p.senderName, p.destinationLabel, reason),
        ),
      ].filter((j): j is DeliveryJob => j !== undefined),
    };
  }

  #parked(p: PendingRelay, version: number): Step {
    return {
      ops: [this.deps.store.pendingOp({ ...p, parkedNoticeSent: true }, version)],
      jobs: [
        this.#notice(
          p,
          `${p.jobId}:parked`,
          p.direction === 'toExperts'
            ? words.toExpertsParked(this.deps.experts.name)
            : words.toCustomerParked(p.senderName, p.destinationLabel),
        ),
      ].filter((j): j is DeliveryJob => j !== undefined),
    };
  }

  /** A notice to whoever sent the message: the customer conversation, or the experts' thread. */
  #notice(p: PendingRelay, id: string, text: string): DeliveryJob | undefined {
    if (p.direction === 'toCustomer') {
      return expertsNoticeJob(this.deps.experts, p.tenantId, p.incidentId, id, text, this.#now());
    }
    return p.origin && customerNoticeJob(p.tenantId, p.incidentId, p.origin, id, text, this.#now());
  }

  #now(): string {
    return this.deps.now().toISOString();
  }
}

interface Step {
  ops: WriteOp[];
  jobs: DeliveryJob[];
}
