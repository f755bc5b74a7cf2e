// Hand-written fakes for the watcher tests: an incident source that behaves like Graph's list
// (filter `lastUpdateDateTime ge`, oldest update first), incident builders, a recording logger.
import type { Logger } from '../../src/platform/logger.ts';
import type { Incident } from '../../src/domain/incident.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import type { Store, VersionedRecord, WriteOp } from '../../src/store/store.ts';
import { compareInstants } from '../../src/watcher/compare-instants.ts';
import type { IncidentSource } from '../../src/watcher/incident-watcher.ts';

export const TENANT_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
export const NOW = Date.parse('2025-03-10T12:00:00.000Z');

export function at(minutesFromNow: number): string {
  return new Date(NOW + minutesFromNow * 60_000).toISOString();
}

export function tenant(tenantId: string, name = tenantId.slice(0, 8)): CustomerTenant {
  return {
    tenantId,
    name,
    expertsAccess: 'reader',
    roles: { operators: [], readers: [] },
    contacts: { primary: [], secondary: [] },
    admins: [],
    socChannels: [],
  };
}

export function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    tenantId: TENANT_A,
    title: `Incident ${id}`,
    severity: 'high',
    status: 'active',
    assignedTo: null,
    classification: 'unknown',
    determination: 'unknown',
    customTags: [],
    systemTags: [],
    webUrl: `https://security.microsoft.com/incidents/${id}`,
    createdAt: at(-60),
    lastUpdatedAt: at(-30),
    comments: [],
    ...overrides,
  };
}

export const investigating = { status: 'inProgress', assignedTo: 'Defender Experts' } as const;
export const awaiting = { status: 'awaitingAction', assignedTo: 'Customer' } as const;

export interface ListCall {
  updatedSince: string | undefined;
  orderBy: string | undefined;
}

export class FakeIncidentSource implements IncidentSource {
  readonly incidents = new Map<string, Incident>();
  /** Ids Graph does not show yet (replication lag). */
  readonly hidden = new Set<string>();
  readonly calls: ListCall[] = [];
  /** Thrown by the next calls, one each. */
  readonly failures: unknown[] = [];
  /** When set, every call waits for it after recording the call (to interleave polls). */
  gate: Promise<void> | undefined;
  /** When set, replaces the computed answer (to script odd pagings). */
  answer: (() => Incident[]) | undefined;

  set(...incidents: Incident[]): this {
    for (const i of incidents) this.incidents.set(i.id, structuredClone(i));
    return this;
  }

  /** Applies a change and stamps lastUpdatedAt, as Graph does on PATCH. */
  update(id: string, changes: Partial<Incident>, lastUpdatedAt: string): Incident {
    const current = this.incidents.get(id);
    if (!current) throw new Error(`no incident ${id}`);
    const next = { ...current, ...changes, lastUpdatedAt };
    this.incidents.set(id, next);
    return next;
  }

  async listIncidents(options: {
    updatedSince?: Date | string;
    orderBy?: string;
  }): Promise<Incident[]> {
    const since =
      options.updatedSince === undefined ? undefined : new Date(options.updatedSince).toISOString();
    this.calls.push({ updatedSince: since, orderBy: options.orderBy });
    if (this.failures.length > 0) throw this.failures.shift();
    const snapshot = this.answer?.() ?? this.#visible(since);
    if (this.gate) await this.gate;
    return structuredClone(snapshot);
  }

  #visible(since: string | undefined): Incident[] {
    return [...this.incidents.values()]
      .filter((i) => !this.hidden.has(i.id))
      .filter((i) => since === undefined || compareInstants(i.lastUpdatedAt, since) >= 0)
      .sort(
        (a, b) => compareInstants(a.lastUpdatedAt, b.lastUpdatedAt) || Number(a.id) - Number(b.id),
      );
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  details: Record<string, unknown>;
  message: string;
}

export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(details: object, message: string): void {
    this.lines.push({ level: 'debug', details: details as Record<string, unknown>, message });
  }
  info(details: object, message: string): void {
    this.lines.push({ level: 'info', details: details as Record<string, unknown>, message });
  }
  warn(details: object, message: string): void {
    this.lines.push({ level: 'warn', details: details as Record<string, unknown>, message });
  }
  error(details: object, message: string): void {
    this.lines.push({ level: 'error', details: details as Record<string, unknown>, message });
  }

  child(): Logger {
    return this;
  }
}

/** A settable clock. */
export class Clock {
  constructor(public ms = NOW) {}
  readonly now = (): Date => new Date(this.ms);
}

/** A Store that forwards to `inner`, with a hook around batch (crashes, interleaved writers). */
export class DelegatingStore implements Store {
  constructor(
    readonly inner: Store,
    private readonly onBatch?: (ops: WriteOp[], inner: Store) => Promise<void>,
  ) {}
  get<T>(collection: string, key: string): Promise<VersionedRecord<T> | undefined> {
    return this.inner.get<T>(collection, key);
  }
  list<T>(collection: string, options?: { prefix?: string }): Promise<VersionedRecord<T>[]> {
    return this.inner.list<T>(collection, options);
  }
  put<T>(collection: string, key: string, value: T, expectedVersion?: number) {
    return this.inner.put<T>(collection, key, value, expectedVersion);
  }
  delete(collection: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.inner.delete(collection, key, expectedVersion);
  }
  batch(ops: WriteOp[]): Promise<void> {
    return this.onBatch ? this.onBatch(ops, this.inner) : this.inner.batch(ops);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
