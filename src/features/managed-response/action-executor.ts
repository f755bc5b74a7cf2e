// The Defender side of a one-click action, in the background after the click has answered:
// start the machine action (or follow the one Defender already runs on that device), record its
// id, poll it with backoff until Defender reports the outcome, record Completed or Failed. Every
// step is a compare-and-set through the response writer, so every card copy follows. After a
// restart, resume() picks up each action still in progress: its machine action comment carries
// the response action's id and attempt, so a start that reached Defender before the crash is
// recognised (runAction/findPendingAction) instead of started twice.
//
// With several instances (`owns`), the tenant's owner polls: resume and the sweep's resumeListed
// cover owned tenants only, and a click served by another instance starts the machine action
// (the compare-and-set on the record is the guard) and records it, then leaves the polling to
// the owner's sweep. A poll asks `owns` before each GET, so a tenant lost mid-wait is dropped
// there and the new owner's resumeTenant (on `gained`) picks it up: each machine action is
// polled by one instance, and none is lost when an instance dies.
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { applyActionEvent, type OneClickEvent } from '../../domain/action-state-machine.ts';
import { replaceAction } from '../../domain/managed-response.ts';
import type { OneClickAction } from '../../domain/response-action.ts';
import { isOneClick } from '../../domain/response-action.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { AuditTrail } from './audit-trail.ts';
import { startMachineAction } from './start-machine-action.ts';
import { DEFENDER_ACTOR } from '../../domain/actors.ts';
import type { DefenderPort } from './ports.ts';
import type { Sleep } from '../../platform/sleep.ts';
import type { ResponseWriter } from './response-writer.ts';
import { withAlreadyRunning, type AlreadyRunningNote } from '../../domain/tracked-action.ts';
import { pollMachineAction, type PollOptions, type PollOutcome } from './poll-machine-action.ts';
import { noTelemetry, type Telemetry } from '../../platform/telemetry.ts';

export interface ExecutorOptions {
  writer: ResponseWriter;
  repository: ManagedResponseRepository;
  defender: DefenderPort;
  audit: AuditTrail;
  logger: Logger;
  now: Clock;
  sleep: Sleep;
  poll?: Partial<PollOptions>;
  /** A machine action finished on the device (its cached facts and containment are stale). */
  onFinished?: (tenantId: string, action: OneClickAction) => void;
  /** Counts machine actions started and how they end (GET /metrics). */
  telemetry?: Telemetry;
  /** Whether this instance polls the tenant's machine actions (default: every tenant). */
  owns?: (tenantId: string) => boolean;
}

export class ActionExecutor {
  readonly #inFlight = new Map<string, Promise<void>>();
  #abort = new AbortController();
  readonly #telemetry: Telemetry;

  readonly #owns: (tenantId: string) => boolean;

  constructor(private readonly options: ExecutorOptions) {
    this.#telemetry = options.telemetry ?? noTelemetry;
    this.#owns = options.owns ?? (() => true);
  }

  /** Runs the action's Defender side unless it already runs in this process. */
  launch(tenantId: string, incidentId: string, actionId: string): void {
    const key = `${tenantId.toLowerCase()}:${incidentId}:${actionId}`;
    if (this.#inFlight.has(key)) return;
    const run = this.#execute(tenantId, incidentId, actionId)
      .catch((err: unknown) => {
        if (this.#abort.signal.aborted) return;
        this.options.logger.error(
          { err, tenantId, incidentId, actionId },
          'action execution failed',
        );
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, run);
  }

  /** Launches every one-click action left in progress (after a restart), of owned tenants. */
  async resume(): Promise<number> {
    let count = 0;
    for (const tenant of this.#ownedTenants()) {
      for (const response of await this.options.repository.listForTenant(tenant.tenantId)) {
        for (const action of response.actions) {
          if (isOneClick(action) && action.status === 'inProgress') {
            this.launch(response.tenantId, response.incidentId, action.id);
            count += 1;
          }
        }
      }
    }
    return count;
  }

  /**
   * Launches the listed actions (the device index's, for the periodic sweep: it costs what is in
   * progress, not every response); each is re-checked on its record before anything runs.
   */
  async resumeListed(
    list: (tenantId: string) => Promise<{ incidentId: string; actionId: string }[]>,
  ): Promise<void> {
    for (const tenant of this.#ownedTenants()) await this.resumeTenant(tenant.tenantId, list);
  }

  /** Launches one tenant's listed actions (a tenant just gained: no wait for the sweep). */
  async resumeTenant(
    tenantId: string,
    list: (tenantId: string) => Promise<{ incidentId: string; actionId: string }[]>,
  ): Promise<void> {
    if (!this.#owns(tenantId)) return;
    for (const { incidentId, actionId } of await list(tenantId)) {
      this.launch(tenantId, incidentId, actionId);
    }
  }

  #ownedTenants() {
    return this.options.defender.tenants().filter((t) => this.#owns(t.tenantId));
  }

  /** Resolves when nothing runs (tests, benches). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error('stopping'));
    await Promise.allSettled([...this.#inFlight.values()]);
    this.#abort = new AbortController();
  }

  async #execute(tenantId: string, incidentId: string, actionId: string): Promise<void> {
    const { writer, defender, sleep } = this.options;
    const { response } = await writer.load(tenantId, incidentId);
    const action = response.actions.find((a) => a.id === actionId);
    if (!action || !isOneClick(action) || action.status !== 'inProgress') return;
    const client = defender.forTenant(tenantId).machineActions;
    const signal = this.#abort.signal;
    let machineActionId = action.machineActionId;
    if (!machineActionId) {
      const started = await startMachineAction(client, action, incidentId, signal);
      this.#telemetry.machineAction(action.kind, started.kind);
      if (started.kind === 'failed') {
        await this.#record(tenantId, incidentId, action, { type: 'fail', reason: started.reason });
        return;
      }
      machineActionId = started.state.id;
      await this.#record(
        tenantId,
        incidentId,
        action,
        { type: 'defenderAccepted', machineActionId },
        started.alreadyRunning,
      );
      if (started.state.status !== 'inProgress') {
        await this.#finish(tenantId, incidentId, { ...action, machineActionId }, started.state);
        return;
      }
    }
    const owned = () => this.#owns(tenantId);
    if (!owned()) return; // started here for a click; the owner's sweep polls it
    const final = await pollMachineAction(client, machineActionId, {
      sleep,
      signal,
      owned,
      now: this.options.now,
      logger: this.options.logger,
      ...this.options.poll,
    });
    if (!final) return; // the tenant moved to another instance, which resumes it
    await this.#finish(tenantId, incidentId, { ...action, machineActionId }, final);
  }

  async #finish(
    tenantId: string,
    incidentId: string,
    action: OneClickAction,
    final: Omit<PollOutcome, 'status'> & { status: PollOutcome['status'] | 'inProgress' },
  ): Promise<void> {
    const outcome = final.status === 'completed' ? 'succeeded' : (final.ending ?? 'failed');
    this.#telemetry.machineAction(action.kind, outcome);
    const event: OneClickEvent =
      final.status === 'completed'
        ? { type: 'succeed' }
        : {
            type: 'fail',
            reason: final.failureReason ?? 'Defender reported that the action failed.',
          };
    await this.#record(tenantId, incidentId, action, event);
    this.options.onFinished?.(tenantId, action);
  }

  /** Applies a Defender outcome if the action is still the attempt this run started. */
  async #record(
    tenantId: string,
    incidentId: string,
    started: OneClickAction,
    event: OneClickEvent,
    alreadyRunning?: AlreadyRunningNote,
  ): Promise<void> {
    const at = this.options.now().toISOString();
    await this.options.writer.change(tenantId, incidentId, (current) => {
      const action = current.response.actions.find((a) => a.id === started.id);
      const sameAttempt =
        action &&
        isOneClick(action) &&
        action.status === 'inProgress' &&
        action.attempts === started.attempts &&
        (event.type === 'defenderAccepted' || action.machineActionId === started.machineActionId);
      const repeated =
        event.type === 'defenderAccepted' &&
        action?.kind !== 'manual' &&
        action?.machineActionId === event.machineActionId;
      if (!sameAttempt || repeated) return { write: false, result: undefined };
      const { action: moved } = applyActionEvent(action, event, DEFENDER_ACTOR, at);
      const next = alreadyRunning ? withAlreadyRunning(moved, alreadyRunning) : moved;
      const machineActionId = next.machineActionId;
      return {
        write: true,
        response: replaceAction(current.response, next, at),
        audit: [
          {
            kind: event.type === 'defenderAccepted' ? 'attempt' : 'outcome',
            actor: { ...DEFENDER_ACTOR, via: 'system' },
            tenantId: current.response.tenantId,
            incidentId,
            actionId: started.id,
            ...(machineActionId ? { machineActionId } : {}),
            operation: event.type,
            result: resultOf(event, alreadyRunning),
            ...(event.type === 'fail' ? { detail: event.reason } : {}),
          },
        ],
        cards: 'actions',
        result: undefined,
      };
    });
  }
}

function resultOf(event: OneClickEvent, alreadyRunning: AlreadyRunningNote | undefined): string {
  switch (event.type) {
    case 'defenderAccepted':
      return alreadyRunning ? 'alreadyRunningInDefender' : 'accepted';
    case 'succeed':
      return 'completed';
    case 'fail':
      return 'failed';
    default:
      return event.type;
  }
}
