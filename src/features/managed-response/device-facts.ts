// The device facts a task card shows, read from Defender for Endpoint when the card is rendered
// and kept briefly (60 s per tenant and device) so re-rendering every copy of a card, or a burst
// of refreshes, asks Defender once. A Defender failure is remembered as "unavailable" for a
// shorter time (10 s) and never fails the card. A card render waits at most `renderWaitMs`
// (3 s) for a read: Defender's reads share the tenant's rate limit with the action polls and can
// queue for up to a minute, and Teams gives up on a card click after about 15 s. A read not done
// by then shows "Device details unavailable" on this render; it goes on and fills the cache for
// the next one.
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { containmentOf, type DeviceLookup } from '../../domain/device-facts.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { isFinished, isOneClick } from '../../domain/response-action.ts';
import type { DefenderPort } from './ports.ts';

/** What a card render needs: the facts by device id and the instant they are shown at. */
export interface RenderedDevices {
  lookups: ReadonlyMap<string, DeviceLookup>;
  nowMs: number;
  /** The tenant's high-value machine tags (high-value-guard.ts adds them). */
  highValueTags?: readonly string[];
}

export type DeviceFactsSource = Pick<DeviceFactsCache, 'forResponse'>;

export interface DeviceFactsOptions {
  ttlMs?: number;
  failureTtlMs?: number;
  /** Most a card render waits for a device read (default 3 s). */
  renderWaitMs?: number;
}

export class DeviceFactsCache {
  readonly #entries = new Map<string, { at: number; value: Promise<DeviceLookup> }>();
  readonly #ttlMs: number;
  readonly #failureTtlMs: number;
  readonly #renderWaitMs: number;

  constructor(
    private readonly deps: { defender: DefenderPort; now: Clock; logger: Logger },
    options: DeviceFactsOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#failureTtlMs = options.failureTtlMs ?? 10_000;
    this.#renderWaitMs = options.renderWaitMs ?? 3_000;
  }

  /** Facts of every device a pending one-click action of the response targets. */
  async forResponse(response: ManagedResponse): Promise<RenderedDevices> {
    const ids = new Set<string>();
    for (const action of response.actions) {
      if (isOneClick(action) && !isFinished(action) && action.target.kind !== 'none') {
        ids.add(action.target.deviceId);
      }
    }
    const entries = await Promise.all(
      [...ids].map(
        async (id) => [id, await this.#withinRenderWait(this.get(response.tenantId, id))] as const,
      ),
    );
    return { lookups: new Map(entries), nowMs: this.deps.now().getTime() };
  }

  async get(tenantId: string, deviceId: string): Promise<DeviceLookup> {
    const key = `${tenantId.toLowerCase()}\n${deviceId.toLowerCase()}`;
    const nowMs = this.deps.now().getTime();
    const cached = this.#entries.get(key);
    if (cached) {
      const value = await cached.value;
      const ttl = value.kind === 'facts' ? this.#ttlMs : this.#failureTtlMs;
      if (nowMs - cached.at < ttl) return value;
    }
    const value = this.#read(tenantId, deviceId);
    this.#entries.set(key, { at: nowMs, value });
    if (this.#entries.size > 5000) this.#prune(nowMs);
    return value;
  }

  // Real time, not the injected clock: it bounds how long a user waits for their answer.
  #withinRenderWait(read: Promise<DeviceLookup>): Promise<DeviceLookup> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<DeviceLookup>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'unavailable' }), this.#renderWaitMs);
      timer.unref();
    });
    return Promise.race([read, late]).finally(() => clearTimeout(timer));
  }

  /** Drops what is known of the device (a machine action on it just finished). */
  forget(tenantId: string, deviceId: string): void {
    this.#entries.delete(`${tenantId.toLowerCase()}\n${deviceId.toLowerCase()}`);
  }

  async #read(tenantId: string, deviceId: string): Promise<DeviceLookup> {
    try {
      const { machines, machineActions } = this.deps.defender.forTenant(tenantId);
      if (!machines) return { kind: 'unavailable' };
      const [facts, actions] = await Promise.all([
        machines.getMachine(deviceId),
        machineActions.listDeviceActions?.(deviceId).catch((err: unknown) => {
          this.deps.logger.warn({ err, tenantId, deviceId }, 'device actions unavailable');
          return undefined;
        }),
      ]);
      return actions
        ? { kind: 'facts', facts, containment: containmentOf(actions) }
        : { kind: 'facts', facts };
    } catch (err) {
      this.deps.logger.warn({ err, tenantId, deviceId }, 'device facts unavailable');
      return { kind: 'unavailable' };
    }
  }

  #prune(nowMs: number): void {
    for (const [key, entry] of this.#entries) {
      if (nowMs - entry.at >= this.#ttlMs) this.#entries.delete(key);
    }
  }
}
