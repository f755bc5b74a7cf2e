// The durable outbox: domain events waiting for delivery, written in the same store batch as the
// state change that produced them (transactional outbox). Each tenant has its own sequence:
// records are keyed `{tenant}:{zero-padded seq}`, so `list` returns each tenant's events in write
// order, and two tenants polled at once never compete for one counter (with a global counter
// their commits failed each other's compare-and-set until the watcher gave up), and a tenant's
// events and counter stay together (one partition per tenant on Azure Tables). A consumer marks an
// event consumed by deleting it in its own batch, next to its own writes. An index by event id
// makes appends idempotent: appending an id that is already known yields no ops. Records written
// before the per-tenant sequence (key: the padded global seq) are still listed, first, and consumed.
import { z } from 'zod';
import type { Incident } from '../domain/incident.ts';
import type { IncidentChange } from '../domain/incident-lifecycle.ts';
import { StoreConflictError, type Store, type WriteOp } from '../store/store.ts';
import { tenantField, tenantRules, type TenantKeyRule } from '../store/tenant-key-rule.ts';

export interface OutboxEvent {
  /**
   * Deterministic: `${tenantId}:${incidentId}:${incident.lastUpdatedAt}:${change.type}[:n]`
   * (n counts repeats of a type within one poll result), so one poll result never yields two ids.
   */
  id: string;
  /** Per tenant, strictly increasing in write order. */
  seq: number;
  tenantId: string;
  incidentId: string;
  change: IncidentChange;
  /** The incident as it was after the change. */
  incident: Incident;
  /** The incident before the change, when known. */
  previous?: Incident;
  detectedAt: string;
}

export const OUTBOX_COLLECTION = 'outbox';
export const OUTBOX_META_COLLECTION = 'outboxMeta';
export const OUTBOX_IDS_COLLECTION = 'outboxIds';
/**
 * Legacy events (the global seq alone) consumed in a store that routes records to their
 * tenants' partitions: `<tenant>:<legacy key>`, created in the consumer's batch (see consumeOps).
 */
export const OUTBOX_CONSUMED_COLLECTION = 'outboxConsumed';

/**
 * Events, the tenant's sequence and the event-id index, all keyed by the URI-encoded tenant
 * first (`<tenant>:<seq>`, `<tenant>`, `<tenant>:<event id>`); a legacy event (the global seq
 * alone) and a legacy index entry (the event id alone) stay in the service partition.
 */
export const outboxPartitionRules: TenantKeyRule[] = [
  ...tenantRules(
    [OUTBOX_COLLECTION, OUTBOX_IDS_COLLECTION, OUTBOX_CONSUMED_COLLECTION],
    tenantField(0, { encoded: true }),
  ),
  {
    collection: OUTBOX_META_COLLECTION,
    tenantOf: tenantField(0, { encoded: true, last: true }),
  },
];

/**
 * The event's record: its tenant, then 16 digits (every safe integer), so key order is the
 * tenant's seq order.
 */
export function outboxKey(tenantId: string, seq: number): string {
  return `${tenantKey(tenantId)}:${String(seq).padStart(16, '0')}`;
}

/** The tenant's sequence counter (outboxMeta). */
export function outboxSeqKey(tenantId: string): string {
  return tenantKey(tenantId);
}

function tenantKey(tenantId: string): string {
  return encodeURIComponent(tenantId.toLowerCase());
}

/** Records from before the per-tenant sequence: the padded global seq alone. */
const isLegacyKey = (key: string) => !key.includes(':');

function consumedKey(tenantId: string, legacyKey: string): string {
  return `${tenantKey(tenantId)}:${legacyKey}`;
}

// Ids come from other services too (they need not start with the tenant); encoding keeps them
// valid keys in every store (Azure Tables forbids '/', '\', '#' and '?' in keys). The tenant
// comes first, so the index record lives in the partition of the event it is written with.
function idKey(tenantId: string, id: string): string {
  return `${tenantKey(tenantId)}:${encodeURIComponent(id)}`;
}

/** The index key of stores written before idKey named the tenant (still checked: retention). */
function legacyIdKey(id: string): string {
  return encodeURIComponent(id);
}

const counterSchema = z.object({ last: z.number().int().min(0) });

// The envelope is checked; `change` and the incidents are our own writes, kept as stored.
const eventSchema = z.looseObject({
  id: z.string().min(1),
  seq: z.number().int().positive(),
  tenantId: z.string().min(1),
  incidentId: z.string().min(1),
  change: z.looseObject({ type: z.string().min(1) }),
  incident: z.looseObject({ id: z.string() }),
  previous: z.looseObject({ id: z.string() }).optional(),
  detectedAt: z.string(),
});

export class OutboxRecordError extends Error {
  constructor(key: string, reason: string) {
    super(`The outbox record ${key} is not a valid event (${reason}); remove or repair it.`);
    this.name = 'OutboxRecordError';
  }
}

export interface OutboxOptions {
  /**
   * Whether this instance owns the tenant's background work (src/cluster/ownership.ts): pending()
   * then lists only owned tenants' events, so each event is planned by its tenant's owner.
   * Default every tenant.
   */
  owns?: (tenantId: string) => boolean;
}

export class Outbox {
  constructor(
    private readonly store: Store,
    private readonly options: OutboxOptions = {},
  ) {}

  /**
   * Events not yet consumed, of the tenants owned here, in seq order. Reads the outbox without
   * copying it (listShared) and parses and copies only the events it returns: a consumer takes
   * 100 at a time from an outbox a first poll of a large tenant fills with hundreds.
   */
  async pending(limit = Infinity): Promise<PendingEvent[]> {
    const listed = this.store.listShared
      ? await this.store.listShared<unknown>(OUTBOX_COLLECTION)
      : await this.store.list<unknown>(OUTBOX_COLLECTION);
    // Records written before the per-tenant sequence are older than every other: first.
    const records = [
      ...listed.filter((r) => isLegacyKey(r.key)),
      ...listed.filter((r) => !isLegacyKey(r.key)),
    ];
    const owns = this.options.owns;
    const events: PendingEvent[] = [];
    for (const record of records) {
      if (events.length >= limit) break;
      const tenantId = (record.value as { tenantId?: unknown } | null)?.tenantId;
      // A record without a tenant is reported below (the parse), whoever owns what.
      if (owns && typeof tenantId === 'string' && !owns(tenantId)) continue;
      const parsed = eventSchema.safeParse(structuredClone(record.value));
      if (!parsed.success) throw new OutboxRecordError(record.key, parsed.error.message);
      const event = parsed.data as unknown as OutboxEvent;
      if (isLegacyKey(record.key) && (await this.#consumedLegacy(event, record))) continue;
      events.push({ event, version: record.version, key: record.key });
    }
    return events;
  }

  /**
   * Op(s) that mark an event consumed, for the consumer's own store.batch (CAS on its version).
   * `key`: the record pending() read it from (default: the event's key in the per-tenant layout).
   */
  consumeOps(
    event: OutboxEvent,
    version: number,
    key = outboxKey(event.tenantId, event.seq),
  ): WriteOp[] {
    if (isLegacyKey(key) && this.store.routed) {
      // A legacy event lives in the service partition, the consumer's writes in the tenant's: a
      // marker created in the tenant's partition consumes it instead, atomically with them (a
      // second consumer's create conflicts, as its delete would). pending() then skips the event
      // and deletes it, a step safe to repeat.
      return [
        {
          kind: 'put',
          collection: OUTBOX_CONSUMED_COLLECTION,
          key: consumedKey(event.tenantId, key),
          value: { seq: event.seq, version },
          expectedVersion: 0,
        },
      ];
    }
    return [{ kind: 'delete', collection: OUTBOX_COLLECTION, key, expectedVersion: version }];
  }

  /** Whether a legacy event was consumed by marker (consumeOps); if so its record is deleted. */
  async #consumedLegacy(event: OutboxEvent, record: { key: string; version: number }) {
    if (!this.store.routed) return false;
    const marker = await this.store.get(
      OUTBOX_CONSUMED_COLLECTION,
      consumedKey(event.tenantId, record.key),
    );
    if (!marker) return false;
    try {
      await this.store.delete(OUTBOX_COLLECTION, record.key, record.version);
    } catch (error) {
      // Deleted meanwhile by another reader: gone either way.
      if (!(error instanceof StoreConflictError)) throw error;
    }
    return true;
  }

  /**
   * Ops that append the events, with seqs allocated from their tenant's counter record under
   * compare-and-set: a concurrent append for the same tenant makes one of the two batches fail
   * with StoreConflictError (retry by calling again). Events whose id is already known, or
   * repeated in `events`, are left out.
   */
  async appendOps(events: Omit<OutboxEvent, 'seq'>[]): Promise<WriteOp[]> {
    const fresh = [...new Map(events.map((e) => [e.id, e])).values()];
    if (fresh.length === 0) return [];
    const known = await Promise.all(
      fresh.map(
        async (e) =>
          (await this.store.get(OUTBOX_IDS_COLLECTION, idKey(e.tenantId, e.id))) ??
          (await this.store.get(OUTBOX_IDS_COLLECTION, legacyIdKey(e.id))),
      ),
    );
    const byTenant = new Map<string, Omit<OutboxEvent, 'seq'>[]>();
    fresh.forEach((event, i) => {
      if (known[i] !== undefined) return;
      const key = outboxSeqKey(event.tenantId);
      byTenant.set(key, [...(byTenant.get(key) ?? []), event]);
    });
    const ops: WriteOp[] = [];
    for (const [counterKey, toAppend] of byTenant) {
      const counter = await this.store.get<unknown>(OUTBOX_META_COLLECTION, counterKey);
      const parsed = counter === undefined ? { last: 0 } : counterSchema.parse(counter.value);
      let seq = parsed.last;
      for (const event of toAppend) {
        seq += 1;
        const value: OutboxEvent = { ...event, seq };
        // expectedVersion 0 = create: a concurrent writer of the same id or seq makes the batch fail.
        ops.push(
          {
            kind: 'put',
            collection: OUTBOX_IDS_COLLECTION,
            key: idKey(event.tenantId, event.id),
            value: { seq },
            expectedVersion: 0,
          },
          {
            kind: 'put',
            collection: OUTBOX_COLLECTION,
            key: outboxKey(event.tenantId, seq),
            value,
            expectedVersion: 0,
          },
        );
      }
      ops.push({
        kind: 'put',
        collection: OUTBOX_META_COLLECTION,
        key: counterKey,
        value: { last: seq },
        expectedVersion: counter?.version ?? 0,
      });
    }
    return ops;
  }
}

/** An event pending() returns: its record's version and key, for consumeOps. */
export interface PendingEvent {
  event: OutboxEvent;
  version: number;
  key: string;
}
