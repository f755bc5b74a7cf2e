// One poll of one customer tenant: ask Graph for incidents updated since the watermark minus an
// overlap, compare each with its stored snapshot, and commit new snapshots + the advanced
// watermark + the outbox events in store batches of at most MAX_BATCH_OPS ops (Azure Tables'
// transaction limit), one group of incidents each, oldest update first. Each batch holds a
// group's snapshots, their events and the watermark advanced past that group only (never past
// the poll's final watermark), so a crash between batches loses nothing: the next poll reads
// from that watermark again and the committed groups' snapshots make them unchanged. Re-reading
// the overlap is harmless (an unchanged incident yields nothing), so restarts neither lose nor
// duplicate events.
import type { Clock } from '../platform/clock.ts';
import type { Incident } from '../domain/incident.ts';
import { MAX_BATCH_OPS } from '../store/partitioned-store.ts';
import { StoreConflictError, type Store, type WriteOp } from '../store/store.ts';
import { AWAITING_INDEX, awaitsCustomer, snapshotWriteOps } from './awaiting-index.ts';
import { compareInstants, isInstant } from './compare-instants.ts';
import { incidentChanges, incidentEvents } from './incident-events.ts';
import { readSnapshots, sameSnapshot, snapshotKey } from './incident-snapshots.ts';
import { OUTBOX_COLLECTION, type Outbox, type OutboxEvent } from './outbox.ts';
import {
  readWatermark,
  WATERMARKS_COLLECTION,
  watermarkKey,
  type Watermark,
  type WatermarkState,
} from './watermark-record.ts';

/** The slice of GraphIncidentsClient the watcher uses (all pages, oldest update first). */
export interface IncidentSource {
  listIncidents(options: {
    updatedSince?: Date | string;
    pageSize?: number;
    orderBy?: string;
  }): Promise<Incident[]>;
}

export interface PollSettings {
  overlapMs: number;
  initialLookbackMs: number;
  pageSize?: number;
  /** Commits retried after a compare-and-set conflict (another poll or appender won). */
  maxCommitAttempts: number;
}

export interface PollContext {
  store: Store;
  outbox: Outbox;
  now: Clock;
  settings: PollSettings;
  signal?: AbortSignal;
}

export interface TenantPollResult {
  incidents: number;
  events: OutboxEvent[];
  /** The watermark after this poll. */
  watermark: string;
  /** No watermark before this poll: the look-back scan. */
  coldStart: boolean;
  /** Commit attempts (more than 1 after conflicts). */
  attempts: number;
  /** Incidents whose stored snapshot could not be read (treated as first seen). */
  unreadableSnapshots: string[];
}

export async function pollTenant(
  context: PollContext,
  tenantId: string,
  source: IncidentSource,
): Promise<TenantPollResult> {
  const { store, now, settings } = context;
  // Read before fetching: a poll that commits while we fetch changes the version, so our
  // commit fails and is recomputed against what that poll stored.
  let state = await readWatermark(store, tenantId);
  const since = state.value
    ? new Date(Date.parse(state.value.watermark) - settings.overlapMs)
    : new Date(now().getTime() - settings.initialLookbackMs);
  const incidents = await source.listIncidents({
    updatedSince: since,
    orderBy: 'lastUpdateDateTime asc',
    ...(settings.pageSize === undefined ? {} : { pageSize: settings.pageSize }),
  });

  const poll: PollScope = {
    tenantId,
    sinceIso: since.toISOString(),
    coldStart: state.value === undefined,
    finalWatermark: nextWatermark(state.value?.watermark ?? since.toISOString(), incidents),
  };
  const total: TenantPollResult = {
    incidents: incidents.length,
    events: [],
    watermark: poll.finalWatermark,
    coldStart: poll.coldStart,
    attempts: 0,
    unreadableSnapshots: [],
  };
  let start = 0;
  let size = Math.min(INCIDENTS_PER_BATCH, incidents.length);
  do {
    const group = incidents.slice(start, start + size);
    const last = start + size >= incidents.length;
    const committed = await commitGroup(context, poll, group, last, state);
    if (committed === 'too big') {
      size = Math.max(1, Math.floor(size / 2));
      continue;
    }
    total.events.push(...committed.result.events);
    total.unreadableSnapshots.push(...committed.result.unreadableSnapshots);
    total.attempts += committed.attempts;
    state = committed.state;
    start += size;
    size = Math.min(INCIDENTS_PER_BATCH, incidents.length - start);
  } while (start < incidents.length);
  return total;
}

// About 7 ops per changed incident (a snapshot, an outbox event and its id per change): a group
// this size usually fits one batch; a larger one is halved until it does.
const INCIDENTS_PER_BATCH = 10;

interface PollScope {
  tenantId: string;
  sinceIso: string;
  coldStart: boolean;
  /** Where this poll leaves the watermark; no batch advances it further. */
  finalWatermark: string;
}

async function commitGroup(
  context: PollContext,
  poll: PollScope,
  group: readonly Incident[],
  last: boolean,
  initial: WatermarkState,
): Promise<'too big' | { result: CommitResult; attempts: number; state: WatermarkState }> {
  let state = initial;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const commit = await planCommit(context, poll, group, last, state);
      if (commit.ops.length > MAX_BATCH_OPS && group.length > 1) return 'too big';
      if (commit.ops.length > 0) {
        context.signal?.throwIfAborted();
        await context.store.batch(commit.ops);
        state = await readWatermark(context.store, poll.tenantId);
      }
      return { result: commit.result, attempts: attempt, state };
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= context.settings.maxCommitAttempts) {
        throw error;
      }
      state = await readWatermark(context.store, poll.tenantId);
    }
  }
}

type CommitResult = Omit<TenantPollResult, 'incidents' | 'attempts'>;

async function planCommit(
  context: PollContext,
  poll: PollScope,
  incidents: readonly Incident[],
  last: boolean,
  state: WatermarkState,
): Promise<{ ops: WriteOp[]; result: CommitResult }> {
  const { tenantId, sinceIso, coldStart } = poll;
  const ids = [...new Set(incidents.map((i) => i.id))];
  const stored = await readSnapshots(context.store, tenantId, ids);
  const current = new Map<string, Incident | undefined>(
    [...stored].map(([id, snapshot]) => [id, snapshot.incident]),
  );
  const detectedAt = context.now().toISOString();
  const events: Omit<OutboxEvent, 'seq'>[] = [];
  const changed = new Set<string>();

  for (const next of incidents) {
    const previous = current.get(next.id);
    if (previous) {
      // An older copy (a lagging replica, or a poll slower than the one that committed) must
      // not be compared backwards.
      if (compareInstants(next.lastUpdatedAt, previous.lastUpdatedAt) < 0) continue;
      if (sameSnapshot(previous, next)) continue;
    }
    const changes = incidentChanges(previous, next, { coldStart });
    events.push(...incidentEvents({ tenantId, previous, next, changes, detectedAt }));
    current.set(next.id, next);
    changed.add(next.id);
  }

  const base = state.value?.watermark ?? sinceIso;
  // The last group sets the poll's watermark; earlier ones advance it past themselves only.
  const watermark = last
    ? poll.finalWatermark
    : earlier(nextWatermark(base, incidents), poll.finalWatermark);
  const unreadableSnapshots = [...stored].flatMap(([id, s]) => (s.incident ? [] : [id]));
  const result = { events: [] as OutboxEvent[], watermark, coldStart, unreadableSnapshots };
  if (changed.size === 0 && watermark === state.value?.watermark) return { ops: [], result };

  // Each snapshot with its awaiting-index entry, compared with what is stored (an unreadable
  // one counts as not awaiting: its entry, if any, goes unless the new one awaits).
  const ops: WriteOp[] = [...changed].flatMap((id) => {
    const before = stored.get(id);
    const next = current.get(id)!;
    const write = snapshotWriteOps(tenantId, before?.incident, next, before?.version ?? 0);
    const stale = before && !before.incident && !awaitsCustomer(next);
    return stale
      ? [...write, { kind: 'delete', collection: AWAITING_INDEX, key: snapshotKey(tenantId, id) }]
      : write;
  });
  const value: Watermark = { watermark, updatedAt: detectedAt };
  ops.push({
    kind: 'put',
    collection: WATERMARKS_COLLECTION,
    key: watermarkKey(tenantId),
    value,
    expectedVersion: state.version,
  });
  const eventOps = await context.outbox.appendOps(events);
  ops.push(...eventOps);
  result.events = eventOps.flatMap((op) =>
    op.kind === 'put' && op.collection === OUTBOX_COLLECTION ? [op.value as OutboxEvent] : [],
  );
  return { ops, result };
}

function earlier(a: string, b: string): string {
  return compareInstants(a, b) <= 0 ? a : b;
}

/**
 * The greatest lastUpdateDateTime seen, never below `base`. Graph pages with an offset: when an
 * incident on an earlier page is updated during the walk it moves to the end and the list
 * shifts, so one incident can be skipped. That shows as the same id with two timestamps; the
 * skipped one sorts after the moved one's old timestamp, so the watermark stops there and the
 * next poll reads that part again.
 */
export function nextWatermark(base: string, incidents: readonly Incident[]): string {
  let highest = base;
  let floor: string | undefined;
  const firstSeen = new Map<string, string>();
  for (const { id, lastUpdatedAt } of incidents) {
    if (!isInstant(lastUpdatedAt)) continue;
    const earlier = firstSeen.get(id);
    if (earlier === undefined) firstSeen.set(id, lastUpdatedAt);
    else if (compareInstants(earlier, lastUpdatedAt) !== 0) {
      if (floor === undefined || compareInstants(earlier, floor) < 0) floor = earlier;
    }
    if (compareInstants(lastUpdatedAt, highest) > 0) highest = lastUpdatedAt;
  }
  if (floor !== undefined && compareInstants(highest, floor) > 0) {
    return compareInstants(floor, base) > 0 ? floor : base;
  }
  return highest;
}
