// Client-side rate limits per tenant, so the bot stays under Defender's quotas instead of learning
// them from 429s. Several windows at once (MDE: 100/min AND 1,500/hour). RateLimiterUnion would
// consume from every window even when one refuses, and RateLimiterQueue takes a single limiter,
// so this gate consumes window by window, gives back what it took when a later window refuses,
// waits and tries again. Callers of one key are served first come, first served. The waits use
// setTimeout and the limiter reads Date.now(), so tests drive both with sinon fake timers (an
// instant fake sleep would only spin against the real clock).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { sleep } from '../platform/sleep.ts';

export interface RateWindow {
  points: number;
  durationSeconds: number;
}

export const mdeRateWindows: readonly RateWindow[] = [
  { points: 100, durationSeconds: 60 },
  { points: 1_500, durationSeconds: 3_600 },
];

export const graphRateWindows: readonly RateWindow[] = [{ points: 150, durationSeconds: 60 }];

export class RateLimitGate {
  private readonly limiters: RateLimiterMemory[];
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(windows: readonly RateWindow[]) {
    this.limiters = windows.map(
      (w, i) =>
        new RateLimiterMemory({
          points: w.points,
          duration: w.durationSeconds,
          keyPrefix: `w${i}`,
        }),
    );
  }

  /** Resolves when one call for `key` (a tenant) may go out; returns how long it waited (ms). */
  acquire(key: string): Promise<number> {
    const since = Date.now();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(() => this.take(key, since));
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    // Drop the entry once idle so the map does not grow with every tenant ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  private async take(key: string, since: number): Promise<number> {
    for (;;) {
      const refusal = await this.tryConsume(key);
      if (refusal === undefined) return Date.now() - since;
      await sleep(Math.max(1, refusal));
    }
  }

  /** Undefined when every window granted a point; otherwise the ms before the refusing window frees one. */
  private async tryConsume(key: string): Promise<number | undefined> {
    const taken: RateLimiterMemory[] = [];
    for (const limiter of this.limiters) {
      try {
        await limiter.consume(key, 1);
        taken.push(limiter);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        await Promise.all(taken.map((t) => t.reward(key, 1)));
        return refusal.msBeforeNext;
      }
    }
    return undefined;
  }
}
