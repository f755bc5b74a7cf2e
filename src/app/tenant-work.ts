// Each customer tenant's background work runs on the one instance that owns the tenant
// (src/cluster/ownership.ts): its watcher loop, the planning of its outbox events, the delivery of
// its jobs, its reminders and weekly reports, the managed-response sweep and the polling of its
// machine actions, the chat relay tracker, the still-contained reminders, its metrics series.
// This is the glue between the Ownership port and
// those components: the `owns` check each of them makes before a step that must not run twice,
// and the listener that starts a tenant's work on `gained` and stops it on `lost`.
//
// Activities and invokes are served by every instance; what they enqueue for a tenant owned
// elsewhere goes through the delivery inbox to the owner, so one instance sends each tenant's
// messages (Teams' per-conversation order and per-tenant pacing hold across instances). The
// pacing of a tenant just gained is warmed up first (TeamsRateGate.warmUp): the previous owner's
// last calls may be a moment old. Every gain warms up, as `gained` does not say whether there was
// a previous owner. The gate is then seeded with the counts the previous owner handed over, which
// an owner writes while it sends and once more on `lost` (pacing-handover.ts).
//
// Jobs for a tenant outside the customer list (the experts' channel) belong to the owner of the
// first customer tenant in id order, so exactly one instance sends them too.
import { LocalOwnership } from '../cluster/local-ownership.ts';
import { openLeaseOwnership } from '../cluster/open-lease-ownership.ts';
import type { Ownership } from '../cluster/ownership.ts';
import type { Config } from '../config.ts';
import type { DeliveryEngine } from '../delivery/delivery-engine.ts';
import type { TeamsRateGate } from '../delivery/teams-rate-gate.ts';
import type { CustomerTenant } from '../domain/tenant.ts';
import type { Logger } from '../platform/logger.ts';
import { sleep as systemSleep, type Sleep } from '../platform/sleep.ts';
import type { Store } from '../store/store.ts';
import type { IncidentWatcher } from '../watcher/incident-watcher.ts';
import { pacingHandover } from './pacing-handover.ts';

/** A component that does something as soon as a tenant is owned here or no longer is. */
export interface TenantFollower {
  gained?(tenantId: string): Promise<void> | void;
  lost?(tenantId: string): Promise<void> | void;
}

export interface TenantWork {
  readonly ownership: Ownership;
  /** Whether this instance does the background work of the tenant a job or event names. */
  readonly owns: (tenantId: string) => boolean;
  /** The customer tenants owned here now. */
  readonly ownedTenants: () => CustomerTenant[];
  /**
   * Follows ownership changes: the tenant's watcher loop and delivery start and stop, then each
   * follower hears of it (in order; one that fails is logged, the others still run).
   */
  attach(parts: {
    watcher: IncidentWatcher;
    delivery: DeliveryEngine;
    followers?: readonly TenantFollower[];
  }): void;
  /**
   * Takes this instance's share of the tenants (the work starts on each `gained`). If storage
   * cannot be reached it tries again (1 s, doubling to 30 s) until it can, or until stop().
   */
  start(): Promise<void>;
  /** Stops every owned tenant's work, then gives the tenants up. */
  stop(): Promise<void>;
}

export interface TenantWorkOptions {
  /** Injected (tests); default from config.cluster. */
  ownership?: Ownership;
  tenants: readonly CustomerTenant[];
  logger: Logger;
  sleep?: Sleep;
  /**
   * The Teams pacing the delivery engine's messenger uses: warmed up on each `gained`, before
   * the tenant's jobs are adopted, since the previous owner's recent calls are not in it, then
   * seeded with the counts that owner handed over (with `store`).
   */
  rateGate?: Pick<TeamsRateGate, 'warmUp' | 'snapshot' | 'seed'>;
  /**
   * Where an owned tenant's pacing is handed to its next owner; without it (or the gate) the next
   * owner starts from empty counts.
   */
  store?: Store;
  /** How often an owner writes the pacing of the tenants it sent to (default 30 s, `sleep`). */
  pacingEveryMs?: number;
}

export async function tenantWork(config: Config, options: TenantWorkOptions): Promise<TenantWork> {
  const { tenants, logger } = options;
  const ids = tenants.map((t) => t.tenantId);
  const onError = (err: unknown, context: string) =>
    logger.warn({ err, context }, 'tenant ownership trouble');
  const ownership =
    options.ownership ??
    (config.cluster.mode === 'lease'
      ? await openLeaseOwnership({
          ...(config.store.connectionString
            ? { connectionString: config.store.connectionString }
            : { blobUrl: config.cluster.blobUrl }),
          containerName: config.cluster.container,
          tenants: ids,
          leaseSeconds: config.cluster.leaseSeconds,
          pollEveryMs: config.cluster.pollMs,
          ...(config.cluster.instanceId ? { instanceId: config.cluster.instanceId } : {}),
          onError,
        })
      : new LocalOwnership(ids, onError));
  // The embedded default (no ownership given, CLUSTER=single): one process owns everything from
  // the start, so nothing is gated and no listener runs; pieces driven by hand work as before.
  const shared = options.ownership !== undefined || config.cluster.mode === 'lease';
  const byKey = new Map(ids.map((id) => [id.toLowerCase(), id]));
  const fallback = [...byKey.keys()].sort()[0];
  const keyOf = (tenantId: string) => {
    const key = tenantId.toLowerCase();
    return byKey.has(key) ? key : fallback;
  };
  const owns = (tenantId: string) => {
    if (!shared) return true;
    const key = keyOf(tenantId);
    const id = key === undefined ? undefined : byKey.get(key);
    return id !== undefined && ownership.owns(id);
  };
  const of = (tenant: string) => (tenantId: string) => keyOf(tenantId) === tenant.toLowerCase();
  const sleep = options.sleep ?? systemSleep;
  const handover =
    shared && options.store && options.rateGate
      ? pacingHandover({ store: options.store, gate: options.rateGate, logger })
      : undefined;
  const keepHandingOver = async (signal: AbortSignal) => {
    while (handover && !signal.aborted) {
      await sleep(options.pacingEveryMs ?? 30_000, signal).catch(() => undefined);
      for (const tenantId of ownership.owned()) {
        // Asked again: a tenant may have moved while the one before it was written.
        if (signal.aborted || !ownership.owns(tenantId)) continue;
        await handover.save(tenantId, of(tenantId));
      }
    }
  };
  let stopping = new AbortController();
  let starting: Promise<void> = Promise.resolve();
  let handingOver: Promise<void> = Promise.resolve();
  const startUntilStarted = async (signal: AbortSignal) => {
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      try {
        await ownership.start();
        return;
      } catch (err) {
        const retryInMs = Math.min(30_000, 1_000 * 2 ** (attempt - 1));
        logger.error(
          { err, attempt, retryInMs },
          'tenant ownership did not start (storage unreachable?); this instance owns no tenant until it does',
        );
        await sleep(retryInMs, signal).catch(() => undefined);
      }
    }
  };
  return {
    ownership,
    owns,
    ownedTenants: () => tenants.filter((t) => owns(t.tenantId)),
    attach({ watcher, delivery, followers = [] }) {
      if (!shared) return;
      const tell = async (event: keyof TenantFollower, tenantId: string) => {
        for (const follower of followers) {
          try {
            await follower[event]?.(tenantId);
          } catch (err) {
            logger.warn(
              { err, tenantId, event },
              'a component did not follow the ownership change',
            );
          }
        }
      };
      ownership.subscribe({
        async gained(tenantId) {
          logger.info({ tenantId, instance: ownership.instanceId }, 'tenant owned here now');
          options.rateGate?.warmUp(of(tenantId));
          await handover?.take(tenantId);
          await delivery.adoptTenant(of(tenantId));
          watcher.watch();
          await tell('gained', tenantId);
        },
        async lost(tenantId, reason) {
          logger.info(
            { tenantId, reason, instance: ownership.instanceId },
            'tenant no longer owned here',
          );
          await watcher.unwatch(tenantId);
          await delivery.releaseTenant(of(tenantId));
          await handover?.hand(tenantId, of(tenantId));
          await tell('lost', tenantId);
        },
      });
    },
    start() {
      stopping = new AbortController();
      starting = startUntilStarted(stopping.signal);
      handingOver = keepHandingOver(stopping.signal);
      return starting;
    },
    async stop() {
      stopping.abort();
      await starting;
      await handingOver;
      await ownership.stop();
    },
  };
}
