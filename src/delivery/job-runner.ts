// One job through the store and the messenger (see the restart-safety note in delivery-engine.ts):
// mark inFlight → call → record the delivery in one batch; or, on failure, schedule the retry,
// park the job behind its unreachable target, or keep it as failed for an operator.
import type { Logger } from '../platform/logger.ts';
import type { Clock } from '../platform/clock.ts';
import type { Sleep } from '../platform/sleep.ts';
import { StoreConflictError, type WriteOp } from '../store/store.ts';
import type { DeliveryJob, DeliveryRecord, DeliveryTarget } from './delivery-job.ts';
import type { JobRecord, RecordedFailure } from './delivery-schemas.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { JobQueue, QueueEntry } from './job-queue.ts';
import { MessengerError, type Messenger } from './messenger.ts';
import { performOperation, type PerformResult, type RenderView } from './perform-operation.ts';
import { classifyFailure, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import type { UnreachableTargets } from './unreachable-targets.ts';
import { noTelemetry, type Telemetry } from '../platform/telemetry.ts';

export interface JobRunnerDeps {
  store: DeliveryStore;
  messenger: Messenger;
  logger: Logger;
  queue: JobQueue;
  unreachable: UnreachableTargets;
  retry: RetryPolicy;
  now: Clock;
  sleep: Sleep;
  random: () => number;
  /** See DeliveryEngineOptions.tryReach. */
  tryReach?: TryReach;
  /** See DeliveryEngineOptions.render. */
  render?: RenderView;
  /** See DeliveryEngineOptions.onDelivered. */
  onDelivered?: OnDelivered;
  /** See DeliveryEngineOptions.onParked. */
  onParked?: OnParked;
  /** See DeliveryEngineOptions.onFailed. */
  onFailed?: OnParked;
  /** Counts Teams' 429s, retries and planned→sent latency (GET /metrics). */
  telemetry?: Telemetry;
}

/** After a job's delivery is recorded; `reached`: tryReach made its target reachable just now. */
export type OnDelivered = (
  job: DeliveryJob,
  delivery: DeliveryRecord,
  info: { reached: boolean },
) => unknown;

/** Each time a job is parked behind its unreachable target, with the failure that made it so. */
export type OnParked = (job: DeliveryJob, error: RecordedFailure | undefined) => unknown;

/** Makes a target without a known conversation reachable (proactive install); true if it did. */
export type TryReach = (target: DeliveryTarget) => Promise<boolean>;

/** Ours (no conversation known), and Teams' answer to creating a 1:1 the app is not in. */
const NOT_INSTALLED = new Set(['NotInstalled', 'BotNotInConversationRoster']);

export class JobRunner {
  /** Targets made reachable in this process: a second NotInstalled for them parks, no loop. */
  readonly #reached = new Set<string>();
  /** Jobs whose target tryReach just made reachable (for onDelivered). */
  readonly #reachedJobs = new Set<string>();

  readonly #telemetry: Telemetry;

  constructor(private readonly deps: JobRunnerDeps) {
    this.#telemetry = deps.telemetry ?? noTelemetry;
  }

  async run(entry: QueueEntry, signal: AbortSignal, stopping: () => boolean): Promise<void> {
    if (this.deps.unreachable.has(entry.targetKey)) {
      await this.park(entry, undefined);
      return;
    }
    const job = entry.record.job;
    if (entry.record.status === 'inFlight') {
      this.deps.logger.warn(
        { jobId: job.id, attempts: entry.record.attempts },
        'job was in flight when the process stopped; sending it again (it may arrive twice)',
      );
    }
    await this.save(entry, {
      ...entry.record,
      status: 'inFlight',
      attempts: entry.record.attempts + 1,
      updatedAt: this.deps.now().toISOString(),
    });
    let result: PerformResult;
    try {
      result = await performOperation(
        job,
        this.deps.messenger,
        this.deps.store,
        this.deps.logger,
        signal,
        this.deps.render,
      );
    } catch (error) {
      await this.onFailure(entry, error);
      return;
    }
    await this.complete(entry, result, stopping);
  }

  private async complete(
    entry: QueueEntry,
    result: PerformResult,
    stopping: () => boolean,
  ): Promise<void> {
    const { job, attempts } = entry.record;
    const delivery: DeliveryRecord = {
      jobId: job.id,
      target: job.target,
      conversationId: result.location.conversationId,
      activityId: result.location.activityId,
      deliveredAt: this.deps.now().toISOString(),
      attempts,
      ...(result.skipped !== undefined ? { skipped: result.skipped } : {}),
    };
    // Retry the write, never the call: the message is out. Only if the store stays broken through
    // a stop does the job remain inFlight, to be sent again after the restart.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.store.complete(job.id, entry.version, delivery, result.messageKey);
        break;
      } catch (err) {
        if (err instanceof StoreConflictError || (stopping() && attempt >= 3)) {
          this.deps.logger.error(
            { err, jobId: job.id },
            'delivered, but the delivery could not be recorded; it may be sent again after a restart',
          );
          break;
        }
        this.deps.logger.error(
          { err, jobId: job.id, attempt },
          'recording a delivery failed; retrying the write',
        );
        await this.deps.sleep(Math.min(5_000, 100 * 2 ** attempt));
      }
    }
    this.deps.queue.remove(job.id);
    const reached = this.#reachedJobs.delete(job.id);
    if (result.skipped === undefined) {
      // Planned → sent; a job scheduled for later (the email fallback's wait) counts from then.
      const planned = Math.max(Date.parse(job.createdAt), Date.parse(job.notBefore ?? '') || 0);
      if (!Number.isNaN(planned)) {
        this.#telemetry.delivered(Math.max(0, Date.parse(delivery.deliveredAt) - planned));
      }
      this.deps.logger.info(
        {
          jobId: job.id,
          conversationId: delivery.conversationId,
          activityId: delivery.activityId,
          attempts,
        },
        'delivered',
      );
    }
    await this.hook('onDelivered', job.id, () =>
      this.deps.onDelivered?.(job, delivery, { reached }),
    );
  }

  /** A hook's failure is logged, never the job's: the message is out (or parked) already. */
  private async hook(name: string, jobId: string, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.deps.logger.warn({ err, jobId }, `${name} hook failed`);
    }
  }

  private async onFailure(entry: QueueEntry, error: unknown): Promise<void> {
    const failure = classifyFailure(error);
    if (failure.kind === 'throttled') this.#telemetry.throttled('botConnector');
    const record = entry.record;
    const lastError = describeFailure(error, this.deps.now());
    const details = { jobId: record.job.id, status: lastError.status, code: lastError.code };
    if (failure.kind === 'aborted') {
      await this.save(entry, { ...record, status: 'pending', attempts: record.attempts - 1 });
      return;
    }
    if (failure.kind === 'unreachable') {
      if (await this.reach(entry, lastError)) {
        await this.save(entry, { ...record, status: 'pending', attempts: record.attempts - 1 });
        return;
      }
      await this.park(entry, lastError);
      return;
    }
    const used = record.attempts - record.budgetStart;
    if (failure.kind === 'permanent' || used >= this.deps.retry.maxAttempts) {
      await this.save(entry, { ...record, status: 'failed', lastError, updatedAt: lastError.at });
      this.deps.queue.remove(record.job.id);
      this.deps.logger.error(
        { ...details, attempts: record.attempts, err: error },
        failure.kind === 'permanent'
          ? 'delivery refused; the job is kept as failed for an operator'
          : 'delivery kept failing; the job is kept as failed for an operator',
      );
      await this.hook('onFailed', record.job.id, () => this.deps.onFailed?.(record.job, lastError));
      return;
    }
    const delayMs = retryDelayMs(used, failure, this.deps.retry, this.deps.random);
    this.#telemetry.retried('botConnector', failure.kind === 'throttled' ? 'throttled' : 'server');
    await this.save(entry, {
      ...record,
      status: 'pending',
      notBefore: new Date(this.deps.now().getTime() + delayMs).toISOString(),
      lastError,
      updatedAt: lastError.at,
    });
    this.deps.logger.warn(
      { ...details, attempts: record.attempts, delayMs },
      'delivery will be retried',
    );
  }

  /** NotInstalled, never tried here: ask tryReach, so the job goes out at once if it worked. */
  private async reach(entry: QueueEntry, error: RecordedFailure): Promise<boolean> {
    const { tryReach } = this.deps;
    const notInstalled = error.code !== undefined && NOT_INSTALLED.has(error.code);
    if (!tryReach || !notInstalled || this.#reached.has(entry.targetKey)) {
      return false;
    }
    const reached = await tryReach(entry.record.job.target).catch((err: unknown) => {
      this.deps.logger.warn(
        { err, jobId: entry.record.job.id },
        'making the target reachable failed',
      );
      return false;
    });
    if (reached) {
      this.#reached.add(entry.targetKey);
      this.#reachedJobs.add(entry.record.job.id);
    }
    return reached;
  }

  /** Holds the job (and so its ordering key) until markReachable. */
  private async park(entry: QueueEntry, error: RecordedFailure | undefined): Promise<void> {
    const record: JobRecord = {
      ...entry.record,
      status: 'parked',
      lastError: error ?? entry.record.lastError,
      updatedAt: this.deps.now().toISOString(),
    };
    const marked = error && this.deps.unreachable.markOp(entry.targetKey, record.job, error);
    await this.save(entry, record, marked ? [marked.op] : []);
    this.deps.logger.warn(
      { jobId: record.job.id, target: record.job.target, code: record.lastError?.code },
      'target unreachable; job parked until it is reachable again',
    );
    if (marked) this.deps.unreachable.remember(entry.targetKey, marked.record);
    const why = record.lastError ?? this.deps.unreachable.errorOf(entry.targetKey);
    await this.hook('onParked', record.job.id, () => this.deps.onParked?.(record.job, why));
    if (marked) await this.deps.unreachable.notify(entry.targetKey);
  }

  private async save(entry: QueueEntry, record: JobRecord, extra: WriteOp[] = []): Promise<void> {
    entry.version = await this.deps.store.saveJob(record, entry.version, extra);
    entry.record = record;
    entry.notBeforeMs = record.notBefore ? Date.parse(record.notBefore) : 0;
  }
}

function describeFailure(error: unknown, now: Date): RecordedFailure {
  const at = now.toISOString();
  if (error instanceof MessengerError) {
    return { status: error.status, code: error.code, message: error.message, at };
  }
  return { status: 0, message: error instanceof Error ? error.message : String(error), at };
}
