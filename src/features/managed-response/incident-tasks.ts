// Changes to the Defender incident that follow from the managed response: hand it to the
// customer (publish), give it back to the experts (last action done), post the experts' comments.
// Each is a durable task written in the same store batch as the change that causes it, then run
// at once and retried with backoff until Graph accepts it, so a crash or a Graph outage never
// loses a hand-over. PATCH is idempotent; a comment is posted at least once.
//
// stop() (SIGTERM, a handover) aborts every Graph call of a running task, wherever it waits (the
// tenant's rate limit, a retry, the request). An abandoned task is not an attempt: it stays due as
// it was, for the next sweep here or the tenant's next owner.
//
// Awaiting Customer Action: Graph's PATCH does not offer `awaitingAction` ("only Microsoft 365
// Defender experts can set this status"; the emulator refuses it likewise), so the hand-over
// PATCHes assignedTo "Customer" with status `active` (a documented PATCH value, and what Sentinel
// shows beside its Awaiting Customer Action tag). isAwaitingCustomer() counts an open incident
// assigned to "Customer" as awaiting, so the watcher and every card see the hand-over. An
// incident the experts already set to awaitingAction keeps its status.
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { CUSTOMER_ASSIGNEE, EXPERTS_ASSIGNEE, sameValue } from '../../domain/incident.ts';
import type { IncidentUpdate } from '../../defender/graph-incidents-client.ts';
import type { Store, WriteOp } from '../../store/store.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { DefenderPort } from './ports.ts';

export const TASKS_COLLECTION = 'managedResponseIncidentTasks';

export interface IncidentTask {
  id: string;
  tenantId: string;
  incidentId: string;
  kind: 'handToCustomer' | 'handBack' | 'comment';
  comment?: string;
  /** The PATCH went through; a retry only posts the comment. */
  patched?: boolean;
  attempts: number;
  notBefore?: string;
  lastError?: string;
  /** Gave up after maxAttempts; kept for operators (audited). */
  failed?: boolean;
  createdAt: string;
}

export interface IncidentTasksOptions {
  store: Store;
  defender: DefenderPort;
  incidents: Pick<IncidentDirectory, 'get'>;
  audit: AuditTrail;
  logger: Logger;
  now: Clock;
  maxAttempts?: number;
  baseDelayMs?: number;
}

export class IncidentTasks {
  readonly #running = new Map<string, Promise<boolean>>();
  #abort = new AbortController();
  #seq = 0;

  constructor(private readonly options: IncidentTasksOptions) {}

  /** A new task and the op that stores it (for the caller's batch). */
  create(input: Pick<IncidentTask, 'tenantId' | 'incidentId' | 'kind' | 'comment'>): {
    task: IncidentTask;
    op: WriteOp;
  } {
    const createdAt = this.options.now().toISOString();
    this.#seq += 1;
    const id = `${createdAt}~${input.tenantId.toLowerCase()}:${input.incidentId}:${input.kind}:${this.#seq}`;
    const task: IncidentTask = { ...input, id, attempts: 0, createdAt };
    return {
      task,
      op: { kind: 'put', collection: TASKS_COLLECTION, key: id, value: task, expectedVersion: 0 },
    };
  }

  /** Runs one task now (if still there); true when it is done, false when left for later. */
  run(id: string): Promise<boolean> {
    const running = this.#running.get(id);
    if (running) return running;
    const run = this.#run(id, this.#abort.signal).finally(() => this.#running.delete(id));
    this.#running.set(id, run);
    return run;
  }

  /**
   * Runs the due tasks of the tenants `owns` accepts (the sweep: this instance's tenants), each
   * tried once; ends early when stopped.
   */
  async runDue(owns: (tenantId: string) => boolean = () => true): Promise<void> {
    const signal = this.#abort.signal;
    const now = this.options.now().toISOString();
    const records = await this.options.store.list<IncidentTask>(TASKS_COLLECTION);
    for (const { value } of records) {
      if (signal.aborted) return;
      if (value.failed || (value.notBefore && value.notBefore > now)) continue;
      if (!owns(value.tenantId)) continue;
      await this.run(value.id);
    }
  }

  async pending(): Promise<IncidentTask[]> {
    return (await this.options.store.list<IncidentTask>(TASKS_COLLECTION)).map((r) => r.value);
  }

  /** Runs tasks again after stop() (a new instance runs them from the start). */
  start(): void {
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
  }

  /**
   * Abandons the running tasks' Graph calls and resolves when they have ended; until start(),
   * run() leaves every task due without calling Graph.
   */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('stopping'));
    await Promise.allSettled([...this.#running.values()]);
  }

  async #run(id: string, signal: AbortSignal): Promise<boolean> {
    const { store, logger, now, audit } = this.options;
    const record = await store.get<IncidentTask>(TASKS_COLLECTION, id);
    if (!record || record.value.failed) return false;
    let task = record.value;
    let version = record.version;
    if (signal.aborted) return false;
    try {
      const graph = this.options.defender.forTenant(task.tenantId).incidents;
      if (!task.patched) {
        const update = await this.#updateFor(task);
        if (update) await graph.updateIncident(task.incidentId, update, { signal });
        task = { ...task, patched: true };
        version = (await store.put(TASKS_COLLECTION, id, task, version)).version;
      }
      if (task.comment) await graph.addComment(task.incidentId, task.comment, { signal });
      await store.batch([
        { kind: 'delete', collection: TASKS_COLLECTION, key: id, expectedVersion: version },
        audit.entryOp({
          kind: 'incidentUpdate',
          actor: { userId: 'system', name: 'Managed response bot', via: 'system' },
          tenantId: task.tenantId,
          incidentId: task.incidentId,
          operation: task.kind,
          result: 'done',
        }),
      ]);
      return true;
    } catch (err) {
      if (signal.aborted) {
        logger.debug({ taskId: id }, 'incident update left for later: stopping');
        return false;
      }
      const attempts = task.attempts + 1;
      const failed = attempts >= (this.options.maxAttempts ?? 8);
      const delay = Math.min((this.options.baseDelayMs ?? 2_000) * 2 ** (attempts - 1), 300_000);
      const message = err instanceof Error ? err.message : String(err);
      const next: IncidentTask = {
        ...task,
        attempts,
        lastError: message,
        notBefore: new Date(now().getTime() + delay).toISOString(),
        ...(failed ? { failed: true } : {}),
      };
      const ops: WriteOp[] = [
        {
          kind: 'put',
          collection: TASKS_COLLECTION,
          key: id,
          value: next,
          expectedVersion: version,
        },
      ];
      if (failed) {
        ops.push(
          audit.entryOp({
            kind: 'incidentUpdate',
            actor: { userId: 'system', name: 'Managed response bot', via: 'system' },
            tenantId: task.tenantId,
            incidentId: task.incidentId,
            operation: task.kind,
            result: 'failed',
            detail: message,
          }),
        );
      }
      await store.batch(ops).catch((e: unknown) => logger.warn({ err: e, id }, 'task not saved'));
      logger.warn({ err, taskId: id, attempts, failed }, 'incident update failed');
      return false;
    }
  }

  /** The PATCH a task needs given the incident as last seen; undefined when nothing changes. */
  async #updateFor(task: IncidentTask): Promise<IncidentUpdate | undefined> {
    if (task.kind === 'comment') return undefined;
    if (task.kind === 'handBack') return { status: 'inProgress', assignedTo: EXPERTS_ASSIGNEE };
    const incident = await this.options.incidents.get(task.tenantId, task.incidentId);
    const status = incident?.status;
    if (sameValue(status, 'awaitingAction')) {
      return sameValue(incident?.assignedTo, CUSTOMER_ASSIGNEE)
        ? undefined
        : { assignedTo: CUSTOMER_ASSIGNEE };
    }
    return { status: 'active', assignedTo: CUSTOMER_ASSIGNEE };
  }
}
