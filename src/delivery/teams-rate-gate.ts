// Client-side pacing under Teams' limits, so deliveries wait for a free slot instead of
// collecting 429s. Teams limits each bot per conversation (7 calls/1 s, 8/2 s, 60/30 s,
// 1800/hour) and each app per tenant (about 50/s); we must assume those are sliding windows.
// rate-limiter-flexible counts fixed windows, and a fixed window of w ms with p points lets
// through at most p·(⌊L/w⌋ + 2) calls in any span of L ms. The default windows below keep every
// span L + 20 ms (room for the jitter between taking a slot and the request reaching Teams) under
// Teams' figures:
//   conversation, 1 s:  1·(⌊1020/300⌋+2) = 5 ≤ 7    2 s:  1·(⌊2020/300⌋+2) = 8 ≤ 8
//                 30 s: 3·(⌊30020/2000⌋+2) = 51 ≤ 60   1 h: 128·(⌊3600020/300000⌋+2) = 1792 ≤ 1800
//   tenant, 1 s:        2·(⌊1020/44⌋+2) = 50 ≤ 50   (≈45 calls/s sustained; pairs rather than
//                       single calls, so a late timer loses less)
// A call takes a point from every window of its conversation and its tenant, or from none: when
// one window refuses, the points already taken are given back and the caller waits for that
// window (RateLimiterUnion would keep the points the others took). Calls for one conversation are
// served in order; a conversation that must wait does not hold up the rest of its tenant.
//
// A tenant gained from another instance (warmUp, called on `gained` before its jobs are
// adopted): the previous owner's calls are counted in its gate, not here, yet Teams counts them
// with ours. A dead or cut-off owner stopped at least L/2 (≥ 7.5 s) before we could acquire (the
// "Safety" paragraph of docs/architecture.md); after a clean handover (`lost` 'released' awaits
// its calls in flight, then the lease is released and taken within one poll) its last call may
// have reached Teams just before our gain. The ownership port does not say which, so we assume
// the second, which covers the first. It ran this gate, so in a span of x ms it sent at most the
// bound above for x, and from the gain ours are bounded the same way; a window of Teams that
// holds calls of both splits into its x before the gain and its rest after it:
//   1 s (tenant), 2 s:  54 > 50 and 10 > 8 can happen, so we make no call to the tenant for 2 s
//                       after the gain: then such a window that holds one of ours starts after
//                       the gain and holds none of the previous owner's.
//   30 s:               3·(⌊x/2000⌋+2) + 3·(⌊(30020−x)/2000⌋+2) ≤ 3·(15+4) = 57 ≤ 60 for any x,
//                       so no reduced budget is needed there.
//   1 h:                128·(12+4) = 2048 > 1800 is possible, but only for a conversation kept
//                       near the sustained 128 per 5 min (a call every 2.3 s) for most of an
//                       hour, and Teams applies the hour only to many messages to one user; a
//                       hold long enough to cover it would stall the tenant for minutes. Not
//                       warmed up: Teams' 429 there is answered by block() with its Retry-After.
// Two handovers of one tenant within 30 s (three owners' calls in one window) are not covered
// either; a 429 is answered the same way. Every gain warms up, the first at this instance's start
// too: a start may follow a crash or a deploy of the previous process that sent a moment ago, and
// it costs 2 s once per tenant.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { sleep as defaultSleep, type Sleep } from '../platform/sleep.ts';

export interface RateWindow {
  points: number;
  durationMs: number;
}

export interface TeamsRateLimits {
  perConversation: readonly RateWindow[];
  perTenant: readonly RateWindow[];
  /** How long warmUp holds a tenant (top of this file); default 2 s. */
  quietAfterTakeoverMs?: number;
}

export const teamsRateLimits: TeamsRateLimits = {
  perConversation: [
    { points: 1, durationMs: 300 },
    { points: 3, durationMs: 2_000 },
    { points: 128, durationMs: 300_000 },
  ],
  perTenant: [{ points: 2, durationMs: 44 }],
  quietAfterTakeoverMs: 2_000,
};

export interface RateScope {
  tenantId: string;
  /** One key per Teams thread: a user's 1:1 chat, a group chat, or a channel. */
  conversationKey: string;
}

/** Tenants gained lately: no call to them before `until` (Date.now() ms). */
interface Quiet {
  matches: (tenantId: string) => boolean;
  until: number;
}

export class TeamsRateGate {
  private readonly conversation: RateLimiterMemory[];
  private readonly tenant: RateLimiterMemory[];
  private readonly quietMs: number;
  private readonly tails = new Map<string, Promise<unknown>>();
  private quiet: Quiet[] = [];

  constructor(
    limits: TeamsRateLimits = teamsRateLimits,
    private readonly sleep: Sleep = defaultSleep,
  ) {
    this.conversation = limits.perConversation.map((w, i) => limiter(w, `c${i}`));
    this.tenant = limits.perTenant.map((w, i) => limiter(w, `t${i}`));
    this.quietMs = limits.quietAfterTakeoverMs ?? 2_000;
  }

  /**
   * The tenants `matches` picks were just gained, perhaps from an owner that sent to them a
   * moment ago: holds their calls as the top of this file explains.
   */
  warmUp(matches: (tenantId: string) => boolean): void {
    const now = Date.now();
    this.quiet = [
      ...this.quiet.filter((q) => q.until > now),
      { matches, until: now + this.quietMs },
    ];
  }

  /** Resolves when one call in `scope` may go out; returns how long it waited (ms). */
  acquire(scope: RateScope, signal?: AbortSignal): Promise<number> {
    const since = Date.now();
    const key = scope.conversationKey;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(() => this.take(scope, signal)).then(() => Date.now() - since);
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    // Drop the entry once idle so the map does not keep every conversation ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  /** After a 429: no call to this conversation until Retry-After has passed. */
  async block(conversationKey: string, ms: number): Promise<void> {
    const first = this.conversation[0];
    if (first && ms > 0) await first.block(conversationKey, ms / 1000);
  }

  private async take(scope: RateScope, signal: AbortSignal | undefined): Promise<void> {
    const tenantKey = scope.tenantId.toLowerCase();
    for (;;) {
      signal?.throwIfAborted();
      const waitMs =
        this.quietFor(scope.tenantId) ??
        (await this.tryConsume([
          ...this.conversation.map((l) => [l, scope.conversationKey] as const),
          ...this.tenant.map((l) => [l, tenantKey] as const),
        ]));
      if (waitMs === undefined) return;
      await this.sleep(Math.max(1, waitMs), signal);
    }
  }

  /** Ms until a warm-up lets calls to the tenant go; undefined when none holds it. */
  private quietFor(tenantId: string): number | undefined {
    if (this.quiet.length === 0) return undefined;
    const now = Date.now();
    this.quiet = this.quiet.filter((q) => q.until > now);
    const until = Math.max(0, ...this.quiet.filter((q) => q.matches(tenantId)).map((q) => q.until));
    return until > now ? until - now : undefined;
  }

  /** Undefined when every window granted a point; else ms until the refusing window frees one. */
  private async tryConsume(
    slots: readonly (readonly [RateLimiterMemory, string])[],
  ): Promise<number | undefined> {
    const taken: (readonly [RateLimiterMemory, string])[] = [];
    for (const slot of slots) {
      try {
        await slot[0].consume(slot[1], 1);
        taken.push(slot);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        await Promise.all(taken.map(([l, key]) => giveBack(l, key)));
        return refusal.msBeforeNext;
      }
    }
    return undefined;
  }
}

/** Returns a point; a window that expired in between would come back at -1, an extra point. */
async function giveBack(limiter: RateLimiterMemory, key: string): Promise<void> {
  const res = await limiter.reward(key, 1);
  if (res.consumedPoints < 0) await limiter.delete(key);
}

function limiter(window: RateWindow, keyPrefix: string): RateLimiterMemory {
  return new RateLimiterMemory({
    points: window.points,
    duration: window.durationMs / 1000,
    keyPrefix,
  });
}
