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
//   1 h:                128·(12+4) = 2048 > 1800 is possible for two gates that each start
//                       empty, so the count goes along with the tenant: the owner hands over
//                       its snapshot() (src/app/pacing-handover.ts) and the next owner seed()s
//                       its gate with it before sending. Its 5-min windows then go on from the
//                       previous owner's (same count, same end), and both owners together stay
//                       within one gate's 128·(12+2) = 1792. A snapshot is written every 30 s
//                       and on `lost`: after a crash up to 30 s of calls are missing from it (at
//                       most 51 by the 30 s bound, which can take the hour past 1800): Teams
//                       then answers a 429, which block() honours with its Retry-After.
// Several handovers within 30 s: every gain holds 2 s, so with k of them the owners' shares of a
// window of 30 020 ms add up to at most 30 020 − 2 000·k, and together they make at most
// 3·(⌊(30020 − 2000k)/2000⌋ + 2(k+1)) = 3·(17 + k) calls: 60 ≤ 60 up to k = 3. (The snapshot
// adds nothing there: its 300 ms and 2 s windows have run out once the hold is over, except a
// block() after a 429, which goes along.) Every gain warms up, the first at this instance's
// start too: a start may follow a crash or a deploy of the previous process that sent a moment
// ago, and it costs 2 s once per tenant.
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
  /** How many conversations a snapshot keeps, the busiest; default 100. */
  snapshotConversations?: number;
}

export const teamsRateLimits: TeamsRateLimits = {
  perConversation: [
    { points: 1, durationMs: 300 },
    { points: 3, durationMs: 2_000 },
    { points: 128, durationMs: 300_000 },
  ],
  perTenant: [{ points: 2, durationMs: 44 }],
  quietAfterTakeoverMs: 2_000,
  snapshotConversations: 100,
};

/** A window's use: its length, the points used in it, and the ms it has left. */
export type WindowUse = [durationMs: number, used: number, leftMs: number];

/**
 * What a tenant's calls have used of the gate's windows, for the tenant's next owner (top of
 * this file). Only keys with points used in a window that has not run out.
 */
export interface PacingSnapshot {
  /** When it was taken (Date.now() ms); `leftMs` counts from then. */
  takenAt: number;
  /** When its newest call took a slot here (0: none, only what was seeded). */
  lastCallAt: number;
  /** The busiest conversations, at most `snapshotConversations`; `tenant` lower-cased. */
  conversations: { key: string; tenant: string; windows: WindowUse[] }[];
  /** The tenant-wide windows, by tenant id lower-cased. */
  tenants: { key: string; windows: WindowUse[] }[];
}

/** Older snapshots are not seeded, whatever their windows say. */
export const MAX_SNAPSHOT_AGE_MS = 3_600_000;

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

/** A conversation with points in a window that may not have run out yet. */
interface Counted {
  /** Its tenant, lower-cased: the keys are the messenger's, the gate does not parse them. */
  tenant: string;
  lastCallAt: number;
  /** When its last window runs out (Date.now() ms). */
  until: number;
}

type Windows = readonly (readonly [RateLimiterMemory, RateWindow])[];

export class TeamsRateGate {
  private readonly conversation: Windows;
  private readonly tenant: Windows;
  private readonly quietMs: number;
  private readonly snapshotCap: number;
  private readonly tails = new Map<string, Promise<unknown>>();
  /** In the order of their last call or seed, so the ones run out are at the front. */
  private readonly counted = new Map<string, Counted>();
  private quiet: Quiet[] = [];

  constructor(
    limits: TeamsRateLimits = teamsRateLimits,
    private readonly sleep: Sleep = defaultSleep,
  ) {
    this.conversation = limits.perConversation.map((w, i) => [limiter(w, `c${i}`), w] as const);
    this.tenant = limits.perTenant.map((w, i) => [limiter(w, `t${i}`), w] as const);
    this.quietMs = limits.quietAfterTakeoverMs ?? 2_000;
    this.snapshotCap = limits.snapshotConversations ?? 100;
  }

  /**
   * What the calls of the tenants `matches` picks (a tenant, with the experts' channel when it
   * follows that tenant) have used of the windows: for the tenant's next owner, who seeds it.
   */
  async snapshot(matches: (tenantId: string) => boolean): Promise<PacingSnapshot> {
    const takenAt = Date.now();
    let lastCallAt = 0;
    const conversations: PacingSnapshot['conversations'] = [];
    const tenants = new Set<string>();
    for (const [key, counted] of [...this.counted].filter(([, c]) => matches(c.tenant))) {
      lastCallAt = Math.max(lastCallAt, counted.lastCallAt);
      tenants.add(counted.tenant);
      const windows = await use(this.conversation, key);
      if (windows.length > 0) conversations.push({ key, tenant: counted.tenant, windows });
    }
    conversations.sort((a, b) => busier(b.windows, a.windows));
    const tenantUse: PacingSnapshot['tenants'] = [];
    for (const key of tenants) {
      const windows = await use(this.tenant, key);
      if (windows.length > 0) tenantUse.push({ key, windows });
    }
    return {
      takenAt,
      lastCallAt,
      conversations: conversations.slice(0, this.snapshotCap),
      tenants: tenantUse,
    };
  }

  /**
   * Loads a snapshot another gate took: each window keeps the larger of its points here and
   * those handed over, and the later end. Ignored when older than MAX_SNAPSHOT_AGE_MS; a
   * snapshot from a clock ahead of ours counts as taken now. Returns the conversations seeded.
   */
  async seed(snapshot: PacingSnapshot): Promise<number> {
    const now = Date.now();
    const ageMs = Math.max(0, now - snapshot.takenAt);
    if (ageMs > MAX_SNAPSHOT_AGE_MS) return 0;
    let seeded = 0;
    for (const { key, tenant, windows } of snapshot.conversations.slice(0, this.snapshotCap)) {
      const until = await load(this.conversation, key, windows, ageMs);
      if (until === undefined) continue;
      const lastCallAt = this.counted.get(key)?.lastCallAt ?? 0;
      this.count(key, { tenant: tenant.toLowerCase(), lastCallAt, until });
      seeded += 1;
    }
    for (const { key, windows } of snapshot.tenants) await load(this.tenant, key, windows, ageMs);
    return seeded;
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
    if (!first || ms <= 0) return;
    await first[0].block(conversationKey, ms / 1000);
    const counted = this.counted.get(conversationKey);
    if (counted) this.count(conversationKey, { ...counted, until: Date.now() + ms });
  }

  private async take(scope: RateScope, signal: AbortSignal | undefined): Promise<void> {
    const tenantKey = scope.tenantId.toLowerCase();
    for (;;) {
      signal?.throwIfAborted();
      const waitMs =
        this.quietFor(scope.tenantId) ??
        (await this.tryConsume([
          ...this.conversation.map(([l]) => [l, scope.conversationKey] as const),
          ...this.tenant.map(([l]) => [l, tenantKey] as const),
        ]));
      if (waitMs === undefined) {
        const now = Date.now();
        const longest = Math.max(0, ...this.conversation.map(([, w]) => w.durationMs));
        this.count(scope.conversationKey, {
          tenant: tenantKey,
          lastCallAt: now,
          until: now + longest,
        });
        return;
      }
      await this.sleep(Math.max(1, waitMs), signal);
    }
  }

  /** Notes a conversation's use (moved to the back), and forgets those whose windows ran out. */
  private count(key: string, counted: Counted): void {
    const was = this.counted.get(key);
    this.counted.delete(key);
    this.counted.set(key, { ...counted, until: Math.max(counted.until, was?.until ?? 0) });
    const now = Date.now();
    for (const [oldKey, old] of this.counted) {
      if (old.until > now) break;
      this.counted.delete(oldKey);
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

/** The windows in which `key` has points, with what is left of them. */
async function use(windows: Windows, key: string): Promise<WindowUse[]> {
  const used: WindowUse[] = [];
  for (const [limiter, window] of windows) {
    const res = await limiter.get(key);
    if (res && res.consumedPoints > 0 && res.msBeforeNext > 0) {
      used.push([window.durationMs, res.consumedPoints, res.msBeforeNext]);
    }
  }
  return used;
}

/** > 0 when `a` used more of its longest window (then of all) than `b`: a snapshot keeps it. */
function busier(a: readonly WindowUse[], b: readonly WindowUse[]): number {
  const longest = (w: readonly WindowUse[]) =>
    w.reduce((best, use) => (use[0] > best[0] ? use : best), [0, 0, 0])[1];
  const all = (w: readonly WindowUse[]) => w.reduce((sum, use) => sum + use[1], 0);
  return longest(a) - longest(b) || all(a) - all(b);
}

/**
 * Seeds `key`'s windows with what was handed over (windows matched by length; ours keep the
 * larger count and the later end). Returns when the last of them runs out, or undefined if none
 * is left.
 */
async function load(
  windows: Windows,
  key: string,
  handed: readonly WindowUse[],
  ageMs: number,
): Promise<number | undefined> {
  let until: number | undefined;
  for (const [durationMs, used, leftMs] of handed) {
    const limiter = windows.find(([, w]) => w.durationMs === durationMs)?.[0];
    const left = leftMs - ageMs;
    if (!limiter || used <= 0 || left <= 0) continue;
    const here = await limiter.get(key);
    const hereLeft = here && here.msBeforeNext > 0 ? here.msBeforeNext : 0;
    const hereUsed = hereLeft > 0 && here ? here.consumedPoints : 0;
    const points = Math.max(used, hereUsed);
    const ms = Math.max(left, hereLeft);
    // set() with 0 s would keep the points for ever; ms ≥ left > 0 here.
    if (points > hereUsed || ms > hereLeft) await limiter.set(key, points, ms / 1000);
    until = Math.max(until ?? 0, Date.now() + ms);
  }
  return until;
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
