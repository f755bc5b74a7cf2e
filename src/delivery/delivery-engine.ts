// Drains delivery jobs to Teams: at least once, never twice for a delivered id, in enqueue order
// per ordering key, with retries for throttling and transient faults, and parking (not dropping)
// when the target is unreachable. Pacing under Teams' rate limits is the messenger's job (see
// TeamsRateGate, used by bot/proactive-messenger.ts right before each request).
//
// Restart safety. For each call the job record goes through the store like this:
//   1. before the call: status inFlight, attempts + 1            (durable before the request)
//   2. the call to Teams
//   3. right after it: job deleted + DeliveryRecord (+ message location) in ONE batch
// A crash between the moment Teams accepts the request in step 2 and the moment step 3 is durable
// leaves the job "inFlight"; the next start sends it again (at-least-once), with a warning. That
// window is one HTTP response plus one store write; at most `concurrency` jobs are in it at once,
// and at most one per ordering key and per target. Nothing else is ever sent twice: a delivered
// id has a DeliveryRecord, and every way in skips known ids. Updates are idempotent edits, so
// only a repeated 'send' can show as a duplicate message.
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { setMaxListeners } from 'node:events';
import { chunks } from '../store/chunks.ts';
import { MAX_BATCH_OPS } from '../store/partitioned-store.ts';
import { StoreConflictError, type Store, type WriteOp } from '../store/store.ts';
import { sleep, type Sleep } from '../platform/sleep.ts';
import {
  deliveryTargetKey,
  type DeliveryJob,
  type DeliveryRecord,
  type DeliveryTarget,
} from './delivery-job.ts';
import type { JobRecord, JobStatus } from './delivery-schemas.ts';
import { DeliveryStore, groupByTenant, type BadRecord } from './delivery-store.ts';
import { JobIntake, reportBad } from './job-intake.ts';
import { JobQueue, type QueueEntry } from './job-queue.ts';
import { JobRunner, type OnDelivered, type OnParked, type TryReach } from './job-runner.ts';
import type { RenderView } from './perform-operation.ts';
import { MessengerError, type Messenger } from './messenger.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { UnreachableTargets, type OnUnreachable } from './unreachable-targets.ts';
import type { Telemetry } from '../platform/telemetry.ts';

export interface DeliveryEngineOptions {
  store: Store;
  messenger: Messenger;
  logger: Logger;
  /** Called once per target found unreachable (403): tell the tenant's admins and SOC channel. */
  onUnreachable?: OnUnreachable;
  /**
   * Before a job is parked because no conversation with its target is known (NotInstalled):
   * try to make it reachable (install the app through Graph); when that resolves true the job
   * is sent again at once, in its place in the order. Tried once per target and process.
   */
  tryReach?: TryReach;
  /**
   * Renders a job's view (card kind + ids) from the current state right before each send or
   * edit; without it (or for a view it does not know) the job's stored activity is sent.
   */
  render?: RenderView;
  /** After each delivery is recorded (who was reached, and how). */
  onDelivered?: OnDelivered;
  /** Each time a job is parked behind an unreachable target. */
  onParked?: OnParked;
  /** When a job is given up on and kept as failed for an operator. */
  onFailed?: OnParked;
  now?: Clock;
  sleep?: Sleep;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Calls in flight at once (default 16); also bounds the duplicates a crash can cause. */
  concurrency?: number;
  /** Of which at most this many for one tenant (default 8), so one tenant cannot hold every slot. */
  perTenantConcurrency?: number;
  /** How often a started engine looks for jobs enqueued through enqueueOps (default 1000 ms). */
  pollIntervalMs?: number;
  /** Counts Teams' 429s, retries and planned→sent latency (GET /metrics). */
  telemetry?: Telemetry;
  /**
   * Whether this instance delivers the tenant's jobs (the tenant's owner, src/cluster/); default
   * every tenant. Only owned jobs are loaded, taken from the inbox and started; enqueue() puts the
   * others in the inbox for their owner. adoptTenant/releaseTenant follow ownership changes.
   */
  owns?: (tenantId: string) => boolean;
}

export interface DeliveryFilter {
  tenantId?: string;
  target?: DeliveryTarget;
  jobIdPrefix?: string;
  /** ISO instant: delivered at or after. */
  since?: string;
}

export class DeliveryEngine {
  readonly #store: DeliveryStore;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #sleep: Sleep;
  readonly #concurrency: number;
  readonly #perTenantConcurrency: number;
  readonly #pollIntervalMs: number;
  readonly #queue = new JobQueue();
  readonly #unreachable: UnreachableTargets;
  readonly #intake: JobIntake;
  readonly #runner: JobRunner;
  readonly #owns: (tenantId: string) => boolean;

  readonly #running = new Map<string, Promise<void>>();
  readonly #runningPerTenant = new Map<string, number>();
  /** One call at a time per target: a throttled conversation then holds one slot, not many. */
  readonly #runningTargets = new Set<string>();
  #loaded: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #forever = false;
  #stopping = false;
  #abort = new AbortController();
  #wake = deferred();
  #iteration = 0;
  #idleWaiters: { after: number; resolve: () => void }[] = [];
  #inboxDue = true;
  #lastInboxMs = 0;

  constructor(options: DeliveryEngineOptions) {
    this.#store = new DeliveryStore(options.store);
    this.#logger = options.logger;
    this.#now = options.now ?? systemClock;
    this.#sleep = options.sleep ?? sleep;
    this.#concurrency = options.concurrency ?? 16;
    this.#perTenantConcurrency = options.perTenantConcurrency ?? 8;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#owns = options.owns ?? (() => true);
    this.#unreachable = new UnreachableTargets(this.#store, this.#logger, options.onUnreachable);
    this.#intake = new JobIntake(
      this.#store,
      this.#queue,
      this.#unreachable,
      this.#logger,
      this.#now,
      this.#owns,
    );
    this.#runner = new JobRunner({
      store: this.#store,
      messenger: options.messenger,
      logger: this.#logger,
      queue: this.#queue,
      unreachable: this.#unreachable,
      retry: { ...defaultRetryPolicy, ...options.retry },
      now: this.#now,
      sleep: this.#sleep,
      random: options.random ?? Math.random,
      ...(options.tryReach ? { tryReach: options.tryReach } : {}),
      ...(options.render ? { render: options.render } : {}),
      ...(options.onDelivered ? { onDelivered: options.onDelivered } : {}),
      ...(options.onParked ? { onParked: options.onParked } : {}),
      ...(options.onFailed ? { onFailed: options.onFailed } : {}),
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });
  }

  /** Stores the jobs (one batch) and wakes the worker. Known ids (queued or delivered) are skipped. */
  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
    await this.#ensureLoaded();
    await this.#intake.enqueue(jobs);
    this.#wakeUp();
  }

  /**
   * Ops that enqueue the jobs, for the caller's own store.batch (e.g. next to consuming its outbox
   * event). They land in an inbox that the worker takes in on its next poll, or at once after
   * wake(); ids already known are dropped there, so a repeat is harmless.
   */
  enqueueOps(jobs: readonly DeliveryJob[]): WriteOp[] {
    return this.#intake.inboxOps(jobs);
  }

  /** Tells the worker to look for new jobs now (after a batch holding enqueueOps). */
  wake(): void {
    this.#inboxDue = true;
    this.#wakeUp();
  }

  /** Runs the worker until stop(). */
  start(): void {
    this.#forever = true;
    this.#loop ??= this.#runLoop();
  }

  /** Stops taking jobs, cancels calls still waiting for a rate-limit slot, waits for the rest. */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    this.#stopping = true;
    this.#abort.abort(
      new MessengerError('delivery engine stopping', { status: 0, code: 'Aborted' }),
    );
    this.#wakeUp();
    await loop;
  }

  /**
   * Resolves when no job is left to do: every job delivered, failed, parked behind an
   * unreachable target, or scheduled for later (job.notBefore, never tried yet). Waits out retry
   * delays. Works whether or not start() was called.
   */
  async drain(): Promise<void> {
    this.#inboxDue = true;
    if (this.#loop && this.#forever) {
      const idle = new Promise<void>((resolve) => {
        this.#idleWaiters.push({ after: this.#iteration, resolve });
      });
      this.#wakeUp();
      await idle;
      return;
    }
    this.#loop ??= this.#runLoop();
    await this.#loop;
  }

  /** Where the message recorded under messageKey lives now. */
  findDelivery(messageKey: string): Promise<DeliveryRecord | undefined> {
    return this.#store.findMessage(messageKey);
  }

  /** The message key of the card whose activity starts this thread (SOC incident cards). */
  findThreadRoot(
    kind: string,
    tenantId: string,
    conversationId: string,
    activityId: string,
  ): Promise<string | undefined> {
    return this.#store.findThreadRoot(kind, tenantId, conversationId, activityId);
  }

  async listDeliveries(filter: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
    const targetKey = filter.target && deliveryTargetKey(filter.target);
    const tenantId = filter.tenantId?.toLowerCase();
    return (await this.#store.listDeliveries()).filter(
      (d) =>
        (!tenantId || d.target.tenantId.toLowerCase() === tenantId) &&
        (!targetKey || deliveryTargetKey(d.target) === targetKey) &&
        (!filter.jobIdPrefix || d.jobId.startsWith(filter.jobIdPrefix)) &&
        (!filter.since || d.deliveredAt >= filter.since),
    );
  }

  /** Undelivered jobs as stored (for operators: parked and failed ones stay here). */
  async listJobs(filter: { status?: JobStatus } = {}): Promise<JobRecord[]> {
    const bad: BadRecord[] = [];
    const jobs = (await this.#store.listJobs(bad)).map((r) => r.value);
    reportBad(this.#logger, bad);
    return jobs.filter((j) => !filter.status || j.status === filter.status);
  }

  /** The target can be reached again (app reinstalled, bot re-added): re-queues its parked jobs. */
  async markReachable(target: DeliveryTarget): Promise<number> {
    const key = deliveryTargetKey(target);
    if (!this.#owns(target.tenantId)) {
      // Another instance delivers this tenant: it takes the notice in with its inbox.
      await this.#store.putReachable(key, target, this.#now().toISOString());
      this.#logger.info({ target }, 'target reachable again; its owner re-queues the jobs');
      return 0;
    }
    await this.#ensureLoaded();
    const updatedAt = this.#now().toISOString();
    const requeued = this.#queue
      .entries()
      .filter((e) => e.targetKey === key && e.record.status === 'parked' && !e.running)
      .map((entry) => ({
        entry,
        record: {
          ...entry.record,
          status: 'pending' as const,
          budgetStart: entry.record.attempts,
          notBefore: undefined,
          updatedAt,
        },
      }));
    // The jobs (one batch per tenant their ids name: one partition each with STORE_PARTITIONS)
    // before the target's record (its own tenant's): a crash between them leaves the target
    // unreachable, which parks the jobs again at the next start, as before this call; the next
    // notice that it is reachable re-queues them.
    for (const group of groupByTenant(requeued, ({ entry }) => entry.record.job.id)) {
      for (const step of chunks(group, MAX_BATCH_OPS)) {
        await this.#store.batch(
          step.map(({ entry, record }) => this.#store.jobOp(record, entry.version)),
        );
      }
    }
    await this.#store.batch([this.#unreachable.clearOp(key)]);
    for (const { entry, record } of requeued) {
      entry.record = record;
      entry.version += 1;
      entry.notBeforeMs = 0;
    }
    this.#unreachable.forget(key);
    this.#logger.info(
      { target, requeued: requeued.length },
      'target reachable again; jobs re-queued',
    );
    this.#wakeUp();
    return requeued.length;
  }

  /**
   * This instance took the tenants `matches` picks over: queues their stored jobs (those the last
   * owner left in flight go again: the at-least-once window) and their inbox.
   */
  async adoptTenant(matches: (tenantId: string) => boolean): Promise<number> {
    await this.#ensureLoaded();
    const adopted = await this.#intake.adopt(matches);
    if (adopted > 0) this.#logger.info({ adopted }, 'jobs of a tenant taken over');
    this.wake();
    return adopted;
  }

  /**
   * The tenants `matches` picks are owned elsewhere now: drops their queued jobs (the store
   * keeps them for the next owner) and waits for their calls in flight to finish.
   */
  async releaseTenant(matches: (tenantId: string) => boolean): Promise<void> {
    const mine = (e: QueueEntry) => matches(e.record.job.target.tenantId);
    const running: Promise<void>[] = [];
    for (const entry of this.#queue.entries().filter(mine)) {
      const run = this.#running.get(entry.record.job.id);
      if (run) running.push(run);
      else this.#queue.remove(entry.record.job.id);
    }
    await Promise.allSettled(running);
    for (const entry of this.#queue.entries().filter(mine)) {
      if (!entry.running) this.#queue.remove(entry.record.job.id);
    }
    this.#wakeUp();
  }

  // The worker: take in new jobs, start the due heads, wait for a wake (a job finished, a job
  // arrived, stop) or for the next due time.
  async #runLoop(): Promise<void> {
    this.#stopping = false;
    this.#abort = new AbortController();
    setMaxListeners(0, this.#abort.signal); // every call waiting for a rate-limit slot listens
    try {
      await this.#ensureLoaded();
      while (!this.#stopping) {
        this.#iteration += 1;
        const wake = this.#wake.promise;
        const nowMs = this.#now().getTime();
        if (
          this.#inboxDue ||
          (this.#forever && nowMs - this.#lastInboxMs >= this.#pollIntervalMs)
        ) {
          this.#inboxDue = false;
          this.#lastInboxMs = nowMs;
          await this.#intake.takeInbox();
          await this.#takeReachable();
        }
        // One reading decides what starts and how long to wait: with two, a head falling due
        // between them is neither started nor waited for, and only a wake would move it.
        const launchedAt = this.#now().getTime();
        this.#launch(launchedAt);
        if (this.#running.size === 0 && this.#queue.settled(launchedAt)) {
          this.#resolveIdle();
          if (!this.#forever) break;
        }
        await this.#waitFor(wake, this.#waitMs(launchedAt));
      }
      await Promise.allSettled(this.#running.values());
    } finally {
      this.#loop = undefined;
      this.#forever = false;
      this.#resolveIdle(true);
    }
  }

  /** markReachable notices other instances left for tenants owned here. */
  async #takeReachable(): Promise<void> {
    const bad: BadRecord[] = [];
    for (const { key, target } of await this.#store.listReachable(bad)) {
      if (!this.#owns(target.tenantId)) continue;
      await this.markReachable(target);
      await this.#store.deleteReachable(key);
    }
    reportBad(this.#logger, bad);
  }

  #launch(nowMs: number): void {
    for (const entry of this.#queue.due(nowMs)) {
      if (this.#running.size >= this.#concurrency) return;
      // The check before each step: a tenant owned elsewhere now is not ours to send.
      if (!this.#owns(entry.record.job.target.tenantId)) continue;
      const tenant = entry.record.job.target.tenantId.toLowerCase();
      const tenantRunning = this.#runningPerTenant.get(tenant) ?? 0;
      if (
        tenantRunning >= this.#perTenantConcurrency ||
        this.#runningTargets.has(entry.targetKey)
      ) {
        continue;
      }
      this.#runningPerTenant.set(tenant, tenantRunning + 1);
      this.#runningTargets.add(entry.targetKey);
      entry.running = true;
      const id = entry.record.job.id;
      const run = this.#runner
        .run(entry, this.#abort.signal, () => this.#stopping)
        .catch((err: unknown) => this.#stepFailed(entry, err))
        .finally(() => {
          entry.running = false;
          this.#running.delete(id);
          this.#runningTargets.delete(entry.targetKey);
          this.#runningPerTenant.set(tenant, (this.#runningPerTenant.get(tenant) ?? 1) - 1);
          this.#wakeUp();
        });
      this.#running.set(id, run);
    }
  }

  /** A store write around the call failed: nothing was lost, try the job again a bit later. */
  async #stepFailed(entry: QueueEntry, err: unknown): Promise<void> {
    entry.notBeforeMs = this.#now().getTime() + 1_000;
    if (err instanceof StoreConflictError) {
      await this.#reread(entry).catch(() => undefined);
      return;
    }
    this.#logger.error({ err, jobId: entry.record.job.id }, 'delivery step failed; will try again');
  }

  /** The job changed elsewhere (another instance ran it): follow the store, or let it go. */
  async #reread(entry: QueueEntry): Promise<void> {
    const id = entry.record.job.id;
    const stored = await this.#store.getJob(id);
    if (!stored || stored.value.status === 'failed') {
      this.#queue.remove(id);
      this.#logger.warn({ jobId: id }, 'job finished elsewhere; dropped from this queue');
      return;
    }
    entry.record = stored.value;
    entry.version = stored.version;
  }

  /** ms until something is due; Infinity = only a wake (a job finishing, enqueue, stop) helps. */
  #waitMs(nowMs: number): number {
    const next = this.#queue.nextDueMs();
    let wait = next === undefined || next <= nowMs ? Infinity : next - nowMs;
    if (this.#forever) {
      wait = Math.min(wait, Math.max(0, this.#lastInboxMs + this.#pollIntervalMs - nowMs));
    }
    return wait;
  }

  async #waitFor(wake: Promise<void>, ms: number): Promise<void> {
    if (ms === Infinity) {
      await wake;
      return;
    }
    const timer = new AbortController();
    try {
      await Promise.race([wake, this.#sleep(ms, timer.signal).catch(() => undefined)]);
    } finally {
      timer.abort();
    }
  }

  #wakeUp(): void {
    const current = this.#wake;
    this.#wake = deferred();
    current.resolve();
  }

  /** Idle seen by an iteration that began after drain() asked (or the loop ended: all). */
  #resolveIdle(all = false): void {
    const waiting = this.#idleWaiters;
    this.#idleWaiters = all ? [] : waiting.filter((w) => w.after >= this.#iteration);
    for (const w of waiting) if (all || w.after < this.#iteration) w.resolve();
  }

  #ensureLoaded(): Promise<void> {
    this.#loaded ??= this.#intake.load().catch((err: unknown) => {
      this.#loaded = undefined;
      throw err;
    });
    return this.#loaded;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
