// Budgets on the work one person, and one organisation, can make the bot do: messages (commands
// and relayed text), card clicks, and Graph look-ups of incidents the bot has not stored yet.
// Each has a limit per user and per tenant over a fixed window (rate-limiter-flexible's memory
// limiter), counted per instance: N instances behind a load balancer allow up to N times as much.
// Over budget the work is refused, never queued or dropped silently: the caller answers "slow
// down, try again in N seconds" and the person sends it again. Each refusal window is logged
// once (the first refusal of the window), so a flood costs one log line, not one per message.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from './logger.ts';

export type BudgetKind = 'message' | 'cardAction' | 'lookup';

export interface BudgetLimit {
  perUser: number;
  perTenant: number;
  windowSeconds: number;
}

export type BudgetSettings = Readonly<Record<BudgetKind, Readonly<BudgetLimit>>>;

/** Generous for people, tight for scripts; the tenant's is a multiple of the user's. */
export const defaultBudgets: BudgetSettings = {
  message: { perUser: 30, perTenant: 300, windowSeconds: 60 },
  cardAction: { perUser: 60, perTenant: 600, windowSeconds: 60 },
  lookup: { perUser: 20, perTenant: 100, windowSeconds: 600 },
};

/** Who spends: the tenant Teams reports, and the user (without one, the tenant's budget only). */
export interface BudgetSpender {
  tenantId: string;
  userId?: string;
}

export interface BudgetRefusal {
  kind: BudgetKind;
  /** Whose budget ran out: the person's, or their whole organisation's. */
  scope: 'user' | 'tenant';
  /** When the window ends and the work can be sent again (at least 1). */
  retryAfterSeconds: number;
}

/** Thrown by `spend` deep inside a turn; bot/ answers it with the slow-down card. */
export class BudgetExceededError extends Error {
  constructor(readonly refusal: BudgetRefusal) {
    super(
      `${refusal.scope === 'user' ? "The user's" : "The tenant's"} ${refusal.kind} budget is spent; retry after ${refusal.retryAfterSeconds} s.`,
    );
    this.name = 'BudgetExceededError';
  }
}

interface KindLimiters {
  limit: Readonly<BudgetLimit>;
  user: RateLimiterMemory;
  tenant: RateLimiterMemory;
}

export class Budgets {
  readonly #limiters: Record<BudgetKind, KindLimiters>;
  readonly #logger: Logger | undefined;

  constructor(settings: BudgetSettings = defaultBudgets, options: { logger?: Logger } = {}) {
    const build = (kind: BudgetKind): KindLimiters => {
      const limit = settings[kind];
      const limiter = (points: number, scope: string) =>
        new RateLimiterMemory({
          points,
          duration: limit.windowSeconds,
          keyPrefix: `${kind}:${scope}`,
        });
      return {
        limit,
        user: limiter(limit.perUser, 'user'),
        tenant: limiter(limit.perTenant, 'tenant'),
      };
    };
    this.#limiters = {
      message: build('message'),
      cardAction: build('cardAction'),
      lookup: build('lookup'),
    };
    this.#logger = options.logger;
  }

  /** Takes one unit of the user's and the tenant's budget: undefined, or why not (nothing taken). */
  async take(kind: BudgetKind, who: BudgetSpender): Promise<BudgetRefusal | undefined> {
    const { user, tenant, limit } = this.#limiters[kind];
    const tenantKey = who.tenantId.toLowerCase();
    const userKey = who.userId ? `${tenantKey}|${who.userId.toLowerCase()}` : undefined;
    if (userKey !== undefined) {
      const refused = await tryConsume(user, userKey);
      if (refused) return this.#refuse(kind, 'user', refused, limit.perUser, limit, who);
    }
    const refused = await tryConsume(tenant, tenantKey);
    if (!refused) return undefined;
    // The user's unit goes back: the work was not done.
    if (userKey !== undefined) await user.reward(userKey, 1);
    return this.#refuse(kind, 'tenant', refused, limit.perTenant, limit, who);
  }

  /** take(), throwing BudgetExceededError when refused. */
  async spend(kind: BudgetKind, who: BudgetSpender): Promise<void> {
    const refusal = await this.take(kind, who);
    if (refusal) throw new BudgetExceededError(refusal);
  }

  #refuse(
    kind: BudgetKind,
    scope: 'user' | 'tenant',
    res: RateLimiterRes,
    points: number,
    limit: Readonly<BudgetLimit>,
    who: BudgetSpender,
  ): BudgetRefusal {
    const refusal: BudgetRefusal = {
      kind,
      scope,
      retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
    // A refused unit still counts, so the first refusal of a window is the one just over.
    if (res.consumedPoints === points + 1) {
      this.#logger?.warn(
        {
          budget: kind,
          scope,
          tenantId: who.tenantId,
          ...(scope === 'user' && who.userId ? { userId: who.userId } : {}),
          limit: points,
          windowSeconds: limit.windowSeconds,
          retryAfterSeconds: refusal.retryAfterSeconds,
        },
        `${kind} budget of the ${scope} spent: refusing its ${kind}s until the window ends (logged once per window)`,
      );
    }
    return refusal;
  }
}

async function tryConsume(
  limiter: RateLimiterMemory,
  key: string,
): Promise<RateLimiterRes | undefined> {
  try {
    await limiter.consume(key, 1);
    return undefined;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return refusal;
    throw refusal;
  }
}
