// Polls every customer tenant's Defender XDR incidents, each tenant on its own jittered loop, so
// one tenant's failure or slowness never delays another; a failing tenant backs off
// exponentially (never sooner than Graph's Retry-After) and shows in health() and the logs.
// What one poll does (and why restarts neither lose nor duplicate events) is in poll-tenant.ts.
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { CustomerTenant } from '../domain/tenant.ts';
import type { Store } from '../store/store.ts';
import { sleep, type Sleep } from '../platform/sleep.ts';
import { describePollFailure } from './describe-poll-failure.ts';
import { Outbox, type OutboxEvent } from './outbox.ts';
import { failureDelayMs, initialDelayMs, successDelayMs } from './poll-schedule.ts';
import type { ScheduleSettings } from './poll-schedule.ts';
import { untilAborted } from './until-aborted.ts';
import { pollTenant, type IncidentSource, type PollSettings } from './poll-tenant.ts';
import { logPollFailure, logPollSuccess } from './poll-log.ts';

export type { IncidentSource } from './poll-tenant.ts';

export const WATCHER_DEFAULTS = {
  intervalMs: 10_000,
  jitterRatio: 0.2,
  // Graph stamps lastUpdateDateTime when it processes a change, but the list can show it later
  // (replication, our paging) and our clock is not Graph's. Five minutes covers those lags many
  // times over, and costs little: only incidents updated in the last five minutes are re-read,
  // and an unchanged one is dropped by the snapshot comparison.
  overlapMs: 5 * 60_000,
  // A week: every open incident the experts are working on was touched within that time (the
  // service's response targets are hours), and the cold start stays one or two Graph pages.
  initialLookbackMs: 7 * 24 * 60 * 60_000,
  maxBackoffMs: 5 * 60_000,
  maxCommitAttempts: 5,
} as const;

export interface IncidentWatcherOptions {
  store: Store;
  tenants: CustomerTenant[] | (() => CustomerTenant[]);
  /** The tenant's incidents client, e.g. `(id) => defenderClients.forTenant(id).incidents`. */
  incidentsFor: (tenantId: string) => IncidentSource;
  intervalMs?: number;
  jitterRatio?: number;
  /** How far before the watermark each poll starts reading again. */
  overlapMs?: number;
  /** How far back a tenant's first poll (no watermark yet) reads. */
  initialLookbackMs?: number;
  maxBackoffMs?: number;
  pageSize?: number;
  maxCommitAttempts?: number;
  now?: Clock;
  sleep?: Sleep;
  random?: () => number;
  logger?: Logger;
  /** Defaults to an Outbox over `store`. */
  outbox?: Outbox;
  /**
   * Whether this instance owns the tenant's background work (see src/cluster/ownership.ts);
   * default every tenant. Loops run for owned tenants only; watch() and unwatch() follow changes.
   */
  owns?: (tenantId: string) => boolean;
  /** After each poll (metrics). */
  onPoll?: (tenantId: string, poll: { ok: boolean; durationMs: number; events: number }) => void;
}

export interface TenantHealth {
  tenantId: string;
  name: string;
  ok: boolean;
  lastPollAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  consecutiveFailures: number;
}

export type PollAllResult =
  | { tenantId: string; ok: true; events: OutboxEvent[] }
  | { tenantId: string; ok: false; error: unknown };

interface TenantState {
  lastPollAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  consecutiveFailures: number;
  /** Wait before the next poll of the loop. */
  nextDelayMs: number;
  succeededOnce: boolean;
}

export class IncidentWatcher {
  readonly outbox: Outbox;
  readonly #options: IncidentWatcherOptions;
  readonly #schedule: ScheduleSettings;
  readonly #poll: PollSettings;
  readonly #now: Clock;
  readonly #sleep: Sleep;
  readonly #states = new Map<string, TenantState>();
  readonly #loops = new Map<string, { done: Promise<void>; stop: AbortController }>();
  #controller = new AbortController();
  #running = false;

  constructor(options: IncidentWatcherOptions) {
    this.#options = options;
    this.outbox = options.outbox ?? new Outbox(options.store);
    this.#now = options.now ?? systemClock;
    this.#sleep = options.sleep ?? sleep;
    this.#schedule = {
      intervalMs: options.intervalMs ?? WATCHER_DEFAULTS.intervalMs,
      jitterRatio: options.jitterRatio ?? WATCHER_DEFAULTS.jitterRatio,
      maxBackoffMs: options.maxBackoffMs ?? WATCHER_DEFAULTS.maxBackoffMs,
      random: options.random ?? Math.random,
    };
    this.#poll = {
      overlapMs: options.overlapMs ?? WATCHER_DEFAULTS.overlapMs,
      initialLookbackMs: options.initialLookbackMs ?? WATCHER_DEFAULTS.initialLookbackMs,
      maxCommitAttempts: options.maxCommitAttempts ?? WATCHER_DEFAULTS.maxCommitAttempts,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    };
  }

  /** Starts one loop per tenant; tenants added later are picked up after the next poll. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    const tenants = this.#tenants();
    this.#options.logger?.info(
      { tenants: tenants.map((t) => t.name), intervalMs: this.#schedule.intervalMs },
      `watching Defender incidents of ${tenants.length} tenant(s)`,
    );
    this.#syncLoops();
  }

  /**
   * Ends the loops at once, without waiting for a Graph call in flight: that poll commits
   * nothing (its batch is never started), so the store can be closed right after.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#controller.abort();
    await Promise.allSettled([...this.#loops.values()].map((l) => l.done));
  }

  /** Starts the loops of tenants owned now and not yet watched (ownership gained). */
  watch(): void {
    this.#syncLoops();
  }

  /**
   * Ends one tenant's loop (ownership lost) and waits for it; a poll in flight commits nothing.
   * The loop comes back with the next watch() once the tenant is owned again.
   */
  async unwatch(tenantId: string): Promise<void> {
    const loop = this.#loops.get(tenantId.toLowerCase());
    if (!loop) return;
    loop.stop.abort();
    await loop.done.catch(() => undefined);
  }

  /** One poll of one tenant; resolves with the events written, rejects if the poll failed. */
  pollOnce(tenantId: string): Promise<OutboxEvent[]> {
    return this.#pollOnce(tenantId, this.#controller.signal);
  }

  async #pollOnce(tenantId: string, signal: AbortSignal): Promise<OutboxEvent[]> {
    const tenant = this.#tenants().find((t) => sameId(t.tenantId, tenantId));
    if (!tenant) throw new Error(`Tenant ${tenantId} is not in the watcher's tenant list.`);
    const state = this.#stateOf(tenant.tenantId);
    const started = this.#now();
    state.lastPollAt = started.toISOString();
    const { store, logger } = this.#options;
    try {
      const source = this.#options.incidentsFor(tenant.tenantId);
      const context = { store, outbox: this.outbox, now: this.#now, settings: this.#poll, signal };
      const result = await pollTenant(context, tenant.tenantId, source);
      const durationMs = this.#now().getTime() - started.getTime();
      const first = !state.succeededOnce;
      Object.assign(state, { lastSuccessAt: this.#now().toISOString(), succeededOnce: true });
      state.consecutiveFailures = 0;
      state.lastError = undefined;
      state.nextDelayMs = successDelayMs(this.#schedule);
      if (logger) logPollSuccess(logger, { tenant, result, durationMs, first });
      this.#options.onPoll?.(tenant.tenantId, {
        ok: true,
        durationMs,
        events: result.events.length,
      });
      return result.events;
    } catch (error) {
      if (signal.aborted) throw error;
      const failure = describePollFailure(error);
      state.consecutiveFailures += 1;
      state.lastError = failure.message;
      state.nextDelayMs = failureDelayMs(
        state.consecutiveFailures,
        this.#schedule,
        failure.retryAfterSeconds,
      );
      if (logger) logPollFailure(logger, { tenant, failure, error, state });
      const durationMs = this.#now().getTime() - started.getTime();
      this.#options.onPoll?.(tenant.tenantId, { ok: false, durationMs, events: 0 });
      throw error;
    }
  }

  /** One poll of every owned tenant, concurrently; a failure is reported, never thrown. */
  async pollAll(): Promise<PollAllResult[]> {
    return Promise.all(
      this.#tenants()
        .filter(({ tenantId }) => this.#owns(tenantId))
        .map(({ tenantId }) =>
          this.pollOnce(tenantId).then(
            (events): PollAllResult => ({ tenantId, ok: true, events }),
            (error: unknown): PollAllResult => ({ tenantId, ok: false, error }),
          ),
        ),
    );
  }

  health(): TenantHealth[] {
    return this.#tenants().map(({ tenantId, name }) => {
      const state = this.#states.get(tenantId.toLowerCase());
      const health: TenantHealth = {
        tenantId,
        name,
        ok: (state?.consecutiveFailures ?? 0) === 0,
        consecutiveFailures: state?.consecutiveFailures ?? 0,
      };
      if (state?.lastPollAt) health.lastPollAt = state.lastPollAt;
      if (state?.lastSuccessAt) health.lastSuccessAt = state.lastSuccessAt;
      if (state?.lastError) health.lastError = state.lastError;
      return health;
    });
  }

  #owns(tenantId: string): boolean {
    return this.#options.owns?.(tenantId) ?? true;
  }

  #tenants(): CustomerTenant[] {
    const { tenants } = this.#options;
    return typeof tenants === 'function' ? tenants() : tenants;
  }

  #stateOf(tenantId: string): TenantState {
    const key = tenantId.toLowerCase();
    let state = this.#states.get(key);
    if (!state) {
      state = { consecutiveFailures: 0, nextDelayMs: 0, succeededOnce: false };
      this.#states.set(key, state);
    }
    return state;
  }

  #syncLoops(): void {
    if (!this.#running) return;
    for (const { tenantId } of this.#tenants()) {
      const key = tenantId.toLowerCase();
      if (this.#loops.has(key) || !this.#owns(tenantId)) continue;
      const stop = new AbortController();
      const signal = AbortSignal.any([this.#controller.signal, stop.signal]);
      const loop = {
        stop,
        done: this.#runLoop(tenantId, signal).finally(() => {
          if (this.#loops.get(key) === loop) this.#loops.delete(key);
        }),
      };
      this.#loops.set(key, loop);
    }
  }

  async #runLoop(tenantId: string, signal: AbortSignal): Promise<void> {
    let delayMs = initialDelayMs(this.#schedule);
    for (;;) {
      // Stopping cuts the wait short (the sleep rejects); the signal says so.
      await this.#sleep(delayMs, signal).catch(() => undefined);
      if (signal.aborted) return;
      // A tenant removed from the configuration, or owned elsewhere now, ends its loop.
      if (!this.#tenants().some((t) => sameId(t.tenantId, tenantId))) return;
      if (!this.#owns(tenantId)) return;
      // pollOnce already logged and recorded a failure; the loop only needs the next delay.
      // On stop the loop does not wait for a slow Graph call: that poll then commits nothing.
      await untilAborted(
        this.#pollOnce(tenantId, signal).catch(() => undefined),
        signal,
      );
      if (signal.aborted) return;
      delayMs = this.#stateOf(tenantId).nextDelayMs;
      this.#syncLoops();
    }
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
