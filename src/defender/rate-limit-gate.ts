// Client-side rate limits per tenant, so the bot stays under Defender's quotas instead of learning
// them from 429s. Several windows at once (MDE: 100/min AND 1,500/hour). RateLimiterUnion would
// consume from every window even when one refuses, and RateLimiterQueue takes a single limiter,
// so a lane consumes window by window, gives back what it took when a later window refuses,
// waits and tries again. Callers of one key are served first come, first served.
//
// Every wait is bounded when the caller says how long it may wait (`maxWaitMs`): a call that
// would wait longer fails at once with GateWaitTooLongError (or, queued behind others, at its
// deadline at the latest) and takes no point, so a person or an API client gets an answer
// instead of a hang. Calls caused by Teams users (`user: true`) first take a point from the
// tenant's user windows, a part of its quota, in a queue of their own: however many of them
// wait, they never hold up or use the share that the watcher and the machine actions need.
//
// The limiter reads Date.now() and the waits go through `sleep` (setTimeout by default), so
// tests drive both with sinon fake timers (an instant fake sleep would spin against the clock).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { sleep as defaultSleep, abortReason, type Sleep } from '../platform/sleep.ts';

export interface RateWindow {
  points: number;
  durationSeconds: number;
}

export const mdeRateWindows: readonly RateWindow[] = [
  { points: 100, durationSeconds: 60 },
  { points: 1_500, durationSeconds: 3_600 },
];

export const graphRateWindows: readonly RateWindow[] = [{ points: 150, durationSeconds: 60 }];

/** A third of Graph's 150/min for look-ups Teams users cause; the rest stays for the watcher. */
export const graphUserRateWindows: readonly RateWindow[] = [{ points: 50, durationSeconds: 60 }];

export interface RateLimitGateOptions {
  /**
   * Windows that calls caused by a Teams user take a point from first (per tenant, on top of
   * the tenant's windows): make them a part of the tenant's quota. None = no user lane.
   */
  userWindows?: readonly RateWindow[];
  now?: () => number;
  sleep?: Sleep;
}

export interface AcquireOptions {
  /** Fail with GateWaitTooLongError rather than wait longer than this. Default: no bound. */
  maxWaitMs?: number;
  /** Caused by a Teams user: takes from the user windows too (see RateLimitGateOptions). */
  user?: boolean;
  /** Stops waiting when aborted (a shutdown): rejects with its reason, takes no point. */
  signal?: AbortSignal;
}

/** The call would have to wait longer than its caller allows; nothing was consumed. */
export class GateWaitTooLongError extends Error {
  constructor(
    /** About when a call of this key may go out again (ms from now, at least 1 s). */
    readonly retryAfterMs: number,
    readonly maxWaitMs: number,
  ) {
    super(`rate limit: a wait of about ${retryAfterMs} ms exceeds the allowed ${maxWaitMs} ms`);
    this.name = 'GateWaitTooLongError';
  }
}

export class RateLimitGate {
  readonly #tenant: Lane;
  readonly #user: Lane | undefined;
  readonly #now: () => number;

  constructor(windows: readonly RateWindow[], options: RateLimitGateOptions = {}) {
    this.#now = options.now ?? Date.now;
    const clock = { now: this.#now, sleep: options.sleep ?? defaultSleep };
    this.#tenant = new Lane(limiters(windows, 'w'), clock);
    this.#user = options.userWindows?.length
      ? new Lane(limiters(options.userWindows, 'u'), clock)
      : undefined;
  }

  /**
   * Resolves when one call for `key` (a tenant) may go out, with how long it waited (ms);
   * rejects with GateWaitTooLongError when that would take longer than `maxWaitMs`.
   */
  async acquire(key: string, options: AcquireOptions = {}): Promise<number> {
    const since = this.#now();
    const maxWaitMs = options.maxWaitMs ?? Infinity;
    const deadline = since + maxWaitMs;
    const user = options.user ? this.#user : undefined;
    const { signal } = options;
    if (user) await user.take(key, deadline, maxWaitMs, signal);
    try {
      await this.#tenant.take(key, deadline, maxWaitMs, signal);
    } catch (error) {
      await user?.giveBack(key);
      throw error;
    }
    return this.#now() - since;
  }
}

interface Waiter {
  deadline: number;
  /** Settled (served, refused or timed out): the pump skips it. */
  settled: boolean;
  /** The pump sleeps for this one, within its deadline: its own timer leaves it alone. */
  committed: boolean;
  serve(): void;
  refuse(retryAfterMs: number): void;
  fail(error: unknown): void;
}

interface Queue {
  waiters: Waiter[];
  pumping: boolean;
  /** While the pump sleeps: when the head of the queue may try again. */
  resumeAt: number | undefined;
}

/** One FIFO queue per key over a set of windows. */
class Lane {
  readonly #queues = new Map<string, Queue>();

  constructor(
    private readonly limiters: readonly RateLimiterMemory[],
    private readonly clock: { now: () => number; sleep: Sleep },
  ) {}

  take(key: string, deadline: number, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const queue = this.#queueOf(key);
      const now = this.clock.now();
      // Queued behind a head that cannot go before our deadline: no use waiting to learn it.
      if (queue.resumeAt !== undefined && queue.resumeAt > deadline) {
        reject(tooLong(queue.resumeAt - now, maxWaitMs));
        return;
      }
      const timer = new AbortController();
      const waiter: Waiter = {
        deadline,
        settled: false,
        committed: false,
        serve: () => settle(() => resolve()),
        refuse: (retryAfterMs) => settle(() => reject(tooLong(retryAfterMs, maxWaitMs))),
        fail: (error) =>
          settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
      };
      const onAbort = () => waiter.fail(abortReason(signal));
      const settle = (then: () => void) => {
        if (waiter.settled) return;
        waiter.settled = true;
        timer.abort();
        signal?.removeEventListener('abort', onAbort);
        then();
      };
      // A waiter settled this way is skipped by the pump, which gives back a point it got for it.
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(deadline)) {
        this.clock.sleep(Math.max(0, deadline - now), timer.signal).then(
          () => {
            if (waiter.committed) return;
            const resumeAt = queue.resumeAt ?? this.clock.now();
            waiter.refuse(resumeAt - this.clock.now());
          },
          () => undefined, // served or refused before the deadline
        );
      }
      queue.waiters.push(waiter);
      void this.#pump(key, queue);
    });
  }

  /** Returns the points of a call that did not go out after all. */
  async giveBack(key: string): Promise<void> {
    await Promise.all(this.limiters.map((l) => l.reward(key, 1)));
  }

  #queueOf(key: string): Queue {
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = { waiters: [], pumping: false, resumeAt: undefined };
      this.#queues.set(key, queue);
    }
    return queue;
  }

  async #pump(key: string, queue: Queue): Promise<void> {
    if (queue.pumping) return;
    queue.pumping = true;
    try {
      for (;;) {
        const head = queue.waiters[0];
        if (!head) break;
        if (head.settled) {
          queue.waiters.shift();
          continue;
        }
        let refusal: number | undefined;
        try {
          refusal = await this.#tryConsume(key);
        } catch (error) {
          queue.waiters.shift();
          head.fail(error);
          continue;
        }
        if (head.settled) {
          // Its deadline passed meanwhile: the point it got goes back.
          if (refusal === undefined) await this.giveBack(key);
          continue;
        }
        if (refusal === undefined) {
          queue.waiters.shift();
          head.serve();
          continue;
        }
        const now = this.clock.now();
        if (now + refusal > head.deadline) {
          queue.waiters.shift();
          head.refuse(refusal);
          continue;
        }
        head.committed = true;
        queue.resumeAt = now + refusal;
        await this.clock.sleep(Math.max(1, refusal));
        queue.resumeAt = undefined;
        head.committed = false;
      }
    } finally {
      queue.pumping = false;
      // Drop the entry once idle so the map does not grow with every tenant ever seen.
      if (queue.waiters.length === 0 && this.#queues.get(key) === queue) this.#queues.delete(key);
    }
  }

  /** Undefined when every window granted a point; otherwise the ms before the refusing window frees one. */
  async #tryConsume(key: string): Promise<number | undefined> {
    const taken: RateLimiterMemory[] = [];
    for (const limiter of this.limiters) {
      try {
        await limiter.consume(key, 1);
        taken.push(limiter);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        // A refused consume still counts; give that back too, so that the counts stay true.
        await Promise.all([...taken, limiter].map((t) => t.reward(key, 1)));
        return refusal.msBeforeNext;
      }
    }
    return undefined;
  }
}

function limiters(windows: readonly RateWindow[], prefix: string): RateLimiterMemory[] {
  return windows.map(
    (w, i) =>
      new RateLimiterMemory({
        points: w.points,
        duration: w.durationSeconds,
        keyPrefix: `${prefix}${i}`,
      }),
  );
}

function tooLong(retryAfterMs: number, maxWaitMs: number): GateWaitTooLongError {
  return new GateWaitTooLongError(Math.max(1_000, Math.ceil(retryAfterMs)), maxWaitMs);
}
