// Tenant ownership through Azure Blob leases, for many instances on one storage account.
//
// Each instance leases its heartbeat blob and the blobs of the tenants it owns (lease L, 15–60 s,
// default 30), renews them every L/3, and polls: it counts the live instances (heartbeats
// leased), gives up owned tenants beyond its fair share ceil(tenants / live), and acquires free
// ones up to it. A dead instance's leases lapse L after its last renewal, and the next poll of
// another instance takes them: takeover within L + one poll.
//
// Safety: ownership ends on this side when no renewal has succeeded for L/2, counted from when
// the last successful renewal was *sent* (the service starts the lease's L no earlier), so this
// instance stops a tenant's work (owns() false, `lost` emitted) at least L/2 before the service
// lets anyone else acquire it. A voluntary release (fair share, stop) waits for the `lost`
// listeners to finish before releasing the lease.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { planOwnership } from './fair-share.ts';
import { LeaseBlobs, instanceBlob, isLeaseLost, tenantBlob } from './lease-blobs.ts';
import type { Ownership, OwnershipListener, OwnershipLossReason } from './ownership.ts';
import { OwnershipEvents } from './ownership-events.ts';
import type { ContainerClient } from '@azure/storage-blob';

export interface LeaseOwnershipOptions {
  container: ContainerClient;
  tenants: readonly string[];
  /** Names this instance's heartbeat blob (default host-pid-random). */
  instanceId?: string;
  /** Lease duration, 15–60 s (Azure's bounds). Default 30. */
  leaseSeconds?: number;
  /** Default L/3. */
  renewEveryMs?: number;
  /** Poll for free tenants and the live instances; default 5 s. */
  pollEveryMs?: number;
  /** Ownership ends when no renewal succeeded for this long; default L/2, at most L − 2 s. */
  safeForMs?: number;
  now?: () => number;
  onError?: (error: unknown, context: string) => void;
}

interface Held {
  /** When the last successful acquire or renewal of the lease was sent. */
  renewedFrom: number;
  releasing: boolean;
  /** Fires at renewedFrom + safeForMs: ends ownership even while a renewal hangs. */
  watchdog?: NodeJS.Timeout;
}

export class LeaseOwnership implements Ownership {
  readonly instanceId: string;
  readonly #blobs: LeaseBlobs;
  readonly #tenants: readonly string[];
  readonly #leaseSeconds: number;
  readonly #renewEveryMs: number;
  readonly #pollEveryMs: number;
  readonly #safeForMs: number;
  readonly #now: () => number;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #events: OwnershipEvents;
  readonly #held = new Map<string, Held>();
  #running = false;
  #renewTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> = Promise.resolve();
  #polling: Promise<void> = Promise.resolve();

  constructor(options: LeaseOwnershipOptions) {
    const leaseSeconds = options.leaseSeconds ?? 30;
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 15 || leaseSeconds > 60) {
      throw new TypeError(`A blob lease lasts 15 to 60 whole seconds, not ${leaseSeconds}.`);
    }
    const leaseMs = leaseSeconds * 1000;
    this.#safeForMs = options.safeForMs ?? leaseMs / 2;
    if (this.#safeForMs <= 0 || this.#safeForMs > leaseMs - 2_000) {
      throw new TypeError(`safeForMs must leave at least 2 s of the ${leaseMs} ms lease.`);
    }
    this.#renewEveryMs = options.renewEveryMs ?? Math.floor(leaseMs / 3);
    if (this.#renewEveryMs >= this.#safeForMs) {
      throw new TypeError('renewEveryMs must be shorter than safeForMs, or ownership lapses.');
    }
    this.instanceId =
      options.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.#blobs = new LeaseBlobs(options.container, randomUUID());
    this.#tenants = [...new Set(options.tenants)];
    this.#leaseSeconds = leaseSeconds;
    this.#pollEveryMs = options.pollEveryMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => undefined);
    this.#events = new OwnershipEvents(this.#onError);
  }

  /** Registers this instance and takes its first share; resolves after the first poll. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const me = instanceBlob(this.instanceId);
    try {
      await this.#blobs.ensure(this.#tenants.map(tenantBlob));
      await this.#register(me);
    } catch (error) {
      this.#running = false;
      throw error;
    }
    this.#scheduleRenew(this.#renewEveryMs);
    this.#polling = this.#poll();
    await this.#polling;
  }

  owns(tenantId: string): boolean {
    const held = this.#held.get(tenantId);
    return held !== undefined && !held.releasing && this.#inTime(held);
  }

  owned(): string[] {
    return [...this.#held.keys()].filter((t) => this.owns(t));
  }

  subscribe(listener: OwnershipListener): () => void {
    return this.#events.subscribe(listener);
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearTimeout(this.#pollTimer);
    await this.#polling;
    // Renewals go on while the listeners stop each tenant's work; then the leases go.
    await Promise.all([...this.#held.keys()].map((t) => this.#release(t)));
    clearTimeout(this.#renewTimer);
    await this.#renewing;
    const me = instanceBlob(this.instanceId);
    await this.#blobs.release(me).catch((e: unknown) => this.#report(e, 'heartbeat release'));
    await this.#blobs.deleteUnleased(me).catch((e: unknown) => this.#report(e, 'heartbeat'));
  }

  #inTime(held: Held): boolean {
    return this.#now() < held.renewedFrom + this.#safeForMs;
  }

  #renewed(tenant: string, held: Held, sentAt: number): void {
    held.renewedFrom = Math.max(held.renewedFrom, sentAt);
    clearTimeout(held.watchdog);
    const check = () => {
      if (this.#held.get(tenant) !== held) return;
      if (this.#inTime(held)) held.watchdog = setTimeout(check, this.#msLeft(held));
      else this.#lose(tenant, 'renewal-overdue');
    };
    held.watchdog = setTimeout(check, this.#msLeft(held));
  }

  #msLeft(held: Held): number {
    return Math.max(0, held.renewedFrom + this.#safeForMs - this.#now());
  }

  #scheduleRenew(ms: number): void {
    this.#renewTimer = setTimeout(() => {
      this.#renewing = this.#renew();
    }, ms);
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#pollTimer = setTimeout(() => {
      this.#polling = this.#poll();
    }, this.#pollEveryMs);
  }

  /** Heartbeat first (so that it lapses before any tenant lease), then every held tenant. */
  async #renew(): Promise<void> {
    let failed = false;
    for (const [tenant, held] of this.#held) {
      if (!this.#inTime(held)) this.#lose(tenant, 'renewal-overdue');
    }
    const me = instanceBlob(this.instanceId);
    try {
      await this.#blobs.renew(me);
    } catch (error) {
      failed = true;
      if (isLeaseLost(error)) await this.#reRegister(me);
      else this.#report(error, 'heartbeat renewal');
    }
    await Promise.all(
      [...this.#held].map(async ([tenant, held]) => {
        const sentAt = this.#now();
        try {
          await this.#blobs.renew(tenantBlob(tenant));
          if (this.#held.get(tenant) === held) this.#renewed(tenant, held, sentAt);
        } catch (error) {
          failed = true;
          if (isLeaseLost(error)) this.#lose(tenant, 'lease-lost');
          else this.#report(error, `lease renewal of tenant ${tenant}`);
        }
      }),
    );
    if (this.#running || this.#held.size > 0) {
      this.#scheduleRenew(failed ? Math.min(1_000, this.#renewEveryMs) : this.#renewEveryMs);
    }
  }

  /**
   * Creates and leases the heartbeat blob. Between the two another instance's poll may delete
   * it as a dead instance's (it is not leased yet): then it is created again.
   */
  async #register(me: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      await this.#blobs.ensure([me]);
      try {
        await this.#blobs.acquire(me, this.#leaseSeconds);
        return;
      } catch (error) {
        if (!isLeaseLost(error) || attempt >= 5) throw error;
      }
    }
  }

  async #reRegister(me: string): Promise<void> {
    try {
      await this.#register(me);
    } catch (error) {
      this.#report(error, 'heartbeat registration');
    }
  }

  /** Counts the live instances, gives up tenants beyond the fair share, takes free ones. */
  async #poll(): Promise<void> {
    try {
      if (!this.#running) return;
      const [instances, tenants] = await Promise.all([
        this.#blobs.states('instances'),
        this.#blobs.states('tenants'),
      ]);
      const others = [...instances].filter(([id, s]) => s === 'leased' && id !== this.instanceId);
      const dead = [...instances].filter(([id, s]) => s !== 'leased' && id !== this.instanceId);
      await Promise.all(dead.map(([id]) => this.#blobs.deleteUnleased(instanceBlob(id))));
      const missing = this.#tenants.filter((t) => !tenants.has(t));
      if (missing.length > 0) await this.#blobs.ensure(missing.map(tenantBlob));
      const plan = planOwnership({
        instanceId: this.instanceId,
        tenants: this.#tenants,
        owned: new Set(this.owned()),
        leased: new Set([...tenants].filter(([, s]) => s === 'leased').map(([t]) => t)),
        liveInstances: others.length + 1,
      });
      await Promise.all(plan.release.map((t) => this.#release(t)));
      for (const tenant of plan.acquire) {
        if (!this.#running) break;
        await this.#acquire(tenant);
      }
    } catch (error) {
      this.#report(error, 'ownership poll');
    } finally {
      this.#schedulePoll();
    }
  }

  async #acquire(tenant: string): Promise<void> {
    const sentAt = this.#now();
    try {
      await this.#blobs.acquire(tenantBlob(tenant), this.#leaseSeconds);
    } catch (error) {
      if (!isLeaseLost(error)) this.#report(error, `lease of tenant ${tenant}`);
      return; // 409: someone else was quicker
    }
    const held: Held = { renewedFrom: sentAt, releasing: false };
    this.#held.set(tenant, held);
    this.#renewed(tenant, held, sentAt);
    void this.#events.gained(tenant);
  }

  /** Gives a tenant up: its work stops first (lease still held), then the lease goes. */
  async #release(tenant: string): Promise<void> {
    const held = this.#held.get(tenant);
    if (!held || held.releasing) return;
    held.releasing = true;
    await this.#events.lost(tenant, 'released');
    if (this.#held.get(tenant) !== held) return; // lost meanwhile: nothing left to release
    this.#held.delete(tenant);
    clearTimeout(held.watchdog);
    await this.#blobs
      .release(tenantBlob(tenant))
      .catch((e: unknown) => this.#report(e, `lease release of tenant ${tenant}`));
  }

  /** Ownership ended without our consent: stop the work now, free the lease if still ours. */
  #lose(tenant: string, reason: OwnershipLossReason): void {
    const held = this.#held.get(tenant);
    if (!held) return;
    this.#held.delete(tenant);
    clearTimeout(held.watchdog);
    if (!held.releasing) void this.#events.lost(tenant, reason);
    if (reason === 'renewal-overdue') {
      this.#blobs.release(tenantBlob(tenant)).catch(() => undefined); // best effort
    }
  }

  #report(error: unknown, context: string): void {
    this.#onError(error, context);
  }
}
