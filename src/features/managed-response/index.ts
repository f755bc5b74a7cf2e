// The managed response, as one feature: the Experts API routes (publish, actions, updates,
// audit), the card actions of the Actions card and of every "View managed response" button, the
// background execution of one-click actions (and its resume after a restart), and the upkeep of
// every copy of the cards on each incident event. buildApp (src/app/build-app.ts) creates it.
//
// A click on Isolate device: card-actions.ts parses the ids → card-action-service.ts checks
// tenant, role, incident and action (card-action-guard.ts), moves the action to In progress in
// one compare-and-set (response-writer.ts) and answers the clicker's card → action-executor.ts
// starts the machine action (start-machine-action.ts) and polls it (poll-machine-action.ts) →
// every change re-renders every copy of the card (copy-jobs.ts, through the delivery engine).
// Skip / I've completed this action / Release ask first: the step the clicker sees is stored
// (open-steps.ts) and a 1:1 chat's copy is drawn with it when sent (copy-view.ts, the delivery
// engine's render), until confirmed, cancelled or 10 minutes old.
// Release from isolation / Remove app restriction (undo-click.ts, checked by undo-guard.ts) adds
// the undo as an action of its own, linked to the one it reverses, and launches it the same way.
//
// With several instances (`owns`, from src/app/tenant-work.ts) the sweep and the resumption
// cover this instance's tenants only; clicks are served everywhere (action-executor.ts says who
// polls), and onTenantGained resumes a tenant taken over without waiting for the sweep.
import type { Server } from 'restify';
import type { Caller, CardActionHandler, Feature } from '../../app/feature.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { sleep as defaultSleep, type Sleep } from '../../platform/sleep.ts';
import type { ConversationRegistry } from '../../shared/conversation-registry.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { Store } from '../../store/store.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';
import { ActionExecutor, type ExecutorOptions } from './action-executor.ts';
import { AuditTrail } from './audit-trail.ts';
import { callerOf, managedResponseCardActions, type ManagedResponseVerb } from './card-actions.ts';
import { CardActionService, type UndoOutcome } from './card-action-service.ts';
import { CardCopies } from './card-copies.ts';
import { ExpertAuthenticator, type ExpertsApiAuthOptions } from './experts-api/expert-auth.ts';
import { registerExpertsApi, type ExpertsRoutesDeps } from './experts-api/experts-routes.ts';
import { DeviceFactsCache } from './device-facts.ts';
import { HighValueGuard, withHighValueTags, type HighValueTagsOf } from './high-value-guard.ts';
import { IncidentTasks } from './incident-tasks.ts';
import type { DefenderPort } from './ports.ts';
import { PublishService } from './publish-service.ts';
import { refreshCopies } from './refresh-copies.ts';
import { ResponseWriter } from './response-writer.ts';
import { DeviceActionIndex } from './device-action-index.ts';
import type { Telemetry } from '../../platform/telemetry.ts';
import type { RenderView } from '../../delivery/perform-operation.ts';
import { copyViewRenderer } from './copy-view.ts';
import { OpenSteps } from './open-steps.ts';

export type { DefenderPort } from './ports.ts';
export type { ExpertsApiAuthOptions } from './experts-api/expert-auth.ts';

export interface ManagedResponseFeatureDeps {
  store: Store;
  /** DefenderClientFactory. */
  defender: DefenderPort;
  /** DeliveryEngine. */
  delivery: Delivery;
  conversations: ConversationRegistry;
  incidents: IncidentDirectory;
  logger: Logger;
  now: Clock;
  expertsApi: ExpertsApiAuthOptions & { maxBodyBytes?: number };
  /** The tenant's high-value machine tags as the service runs it (default: the tenants file). */
  highValueTags?: HighValueTagsOf;
  /** GET /api/v1/tenants/{t}/report: the reports feature's figures (route absent without it). */
  report?: ExpertsRoutesDeps['report'];
  /** GET managed-response lists who was notified and how (the notifications feature's). */
  notified?: ExpertsRoutesDeps['notified'];
  sleep?: Sleep;
  /** Counts machine actions started and how they end (GET /metrics). */
  telemetry?: Telemetry;
  /** Whether this instance does the tenant's background work (default: every tenant). */
  owns?: (tenantId: string) => boolean;
  timings?: {
    poll?: ExecutorOptions['poll'];
    /** How often failed incident updates are retried and late SOC copies sent (30 s). */
    sweepIntervalMs?: number;
    /** How long a SOC copy waits for the SOC incident card before posting alone (2 min). */
    socCopyGraceMs?: number;
    /** How long an Experts API request waits for Graph (8 s). */
    incidentUpdateWaitMs?: number;
  };
}

export interface ManagedResponseFeature extends Feature {
  readonly name: 'managed-response';
  cardActions: Record<ManagedResponseVerb, CardActionHandler>;
  routes(server: Server): void;
  /** For the delivery engine: draws a 1:1 chat's Actions card with its viewer's open step. */
  render: RenderView;
  /** Re-renders every copy of the incident's cards. */
  onIncidentEvent(event: OutboxEvent): Promise<void>;
  publishing: PublishService;
  cards: CardActionService;
  /** The undo confirmed on another card (the still-contained reminder's Yes, release). */
  startUndo(caller: Caller, ids: { incidentId: string; actionId: string }): Promise<UndoOutcome>;
  audit: AuditTrail;
  executor: ActionExecutor;
  tasks: IncidentTasks;
  /** Re-renders every copy of the incident's cards (call on each incident event). */
  refreshCopies(tenantId: string, incidentId: string): Promise<void>;
  /** The tenant is owned here now: its actions in progress are polled from here on. */
  onTenantGained(tenantId: string): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when no background work is left (tests and benches). */
  settle(): Promise<void>;
}

export function managedResponseFeature(deps: ManagedResponseFeatureDeps): ManagedResponseFeature {
  const { store, defender, delivery, conversations, incidents, logger, now } = deps;
  const timings = deps.timings ?? {};
  const owns = deps.owns ?? (() => true);
  const sleep = deps.sleep ?? defaultSleep;
  const repository = new ManagedResponseRepository(store);
  const audit = new AuditTrail(store, now);
  const copies = new CardCopies(store);
  const openSteps = new OpenSteps(store, now);
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((err: unknown) => logger.error({ err }, 'background work failed'));
    background.add(tracked);
    void tracked.finally(() => background.delete(tracked));
  };
  const tasks = new IncidentTasks({ store, defender, incidents, audit, logger, now });
  const factsCache = new DeviceFactsCache({ defender, now, logger });
  const highValueTags = deps.highValueTags ?? configuredHighValueTags(defender);
  const deviceFacts = withHighValueTags(factsCache, highValueTags);
  const highValue = new HighValueGuard({ deviceFacts: factsCache, highValueTags, audit });
  const deviceActions = new DeviceActionIndex(store, repository);
  const writer = new ResponseWriter({
    deviceFacts,
    repository,
    deviceActions,
    store,
    delivery,
    copies,
    conversations,
    incidents,
    defender,
    tasks,
    audit,
    now,
    logger,
    background: track,
  });
  const executor = new ActionExecutor({
    writer,
    repository,
    defender,
    audit,
    logger,
    now,
    sleep,
    ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
    ...(timings.poll ? { poll: timings.poll } : {}),
    owns,
    onFinished: (tenantId, action) => {
      if (action.target.kind !== 'none') factsCache.forget(tenantId, action.target.deviceId);
    },
  });
  const shared = {
    deviceFacts,
    repository,
    defender,
    incidents,
    conversations,
    copies,
    delivery,
    store,
    audit,
    now,
  };
  const publishing = new PublishService({
    ...shared,
    writer,
    tasks,
    ...(timings.incidentUpdateWaitMs !== undefined
      ? { incidentUpdateWaitMs: timings.incidentUpdateWaitMs }
      : {}),
  });
  const cards = new CardActionService({
    ...shared,
    openSteps,
    deviceActions,
    writer,
    highValue,
    launch: (tenantId, incidentId, actionId) => executor.launch(tenantId, incidentId, actionId),
  });
  const graceMs = timings.socCopyGraceMs ?? 120_000;

  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopping = new AbortController();
  const sweep = async (signal: AbortSignal) => {
    await tasks.runDue(owns);
    // Stopped while the tasks ran: the rest is for the next sweep (or the tenant's next owner).
    if (signal.aborted) return;
    await openSteps.prune(owns);
    // Actions left in progress by a run that failed midway (e.g. the store was briefly down).
    await executor.resumeListed((tenantId) => deviceActions.listForTenant(tenantId));
    if (signal.aborted) return;
    const deferred = (await copies.listDeferred()).filter((c) => owns(c.tenantId));
    for (const key of new Set(deferred.map((c) => `${c.tenantId}\n${c.incidentId}`))) {
      const [tenantId = '', incidentId = ''] = key.split('\n');
      await refreshCopies(shared, tenantId, incidentId, { parentPlanned: false, graceMs });
    }
  };

  return {
    name: 'managed-response',
    cardActions: managedResponseCardActions(cards),
    render: copyViewRenderer({ ...shared, openSteps }),
    routes: (server) =>
      registerExpertsApi(server, {
        auth: new ExpertAuthenticator(deps.expertsApi),
        publishing,
        audit,
        logger,
        ...(deps.expertsApi.maxBodyBytes ? { maxBodyBytes: deps.expertsApi.maxBodyBytes } : {}),
        ...(deps.report ? { report: deps.report } : {}),
        ...(deps.notified ? { notified: deps.notified } : {}),
      }),
    publishing,
    cards,
    startUndo: (caller, ids) => cards.startUndo(callerOf(caller), ids),
    audit,
    executor,
    tasks,
    refreshCopies: async (tenantId, incidentId) => {
      await refreshCopies(shared, tenantId, incidentId, { parentPlanned: true, graceMs });
    },
    onTenantGained: (tenantId) =>
      executor.resumeTenant(tenantId, (t) => deviceActions.listForTenant(t)),
    onIncidentEvent: async (event) => {
      await refreshCopies(shared, event.tenantId, event.incidentId, {
        parentPlanned: true,
        graceMs,
      });
    },
    start() {
      if (stopping.signal.aborted) stopping = new AbortController();
      tasks.start();
      // One full read at start-up: the index gets what a store written before it lacks.
      track(deviceActions.repair(defender.tenants()).then(() => executor.resume()));
      timer ??= setInterval(() => {
        sweeping ??= sweep(stopping.signal)
          .catch((err: unknown) => logger.warn({ err }, 'managed-response sweep failed'))
          .finally(() => (sweeping = undefined));
      }, timings.sweepIntervalMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      // The sweep's Graph calls end wherever they wait; what they leave stays due.
      stopping.abort(new Error('stopping'));
      await tasks.stop();
      await sweeping;
      await executor.stop();
      await Promise.allSettled([...background]);
    },
    async settle() {
      do {
        await executor.settle();
        await Promise.allSettled([...background]);
      } while (background.size > 0);
    },
  };
}

function configuredHighValueTags(defender: DefenderPort): HighValueTagsOf {
  return (tenantId) => {
    try {
      return defender.forTenant(tenantId).tenant.highValueTags ?? [];
    } catch {
      return []; // a tenant the service does not protect: refused elsewhere
    }
  };
}
