// The managed response in Teams, assembled: the Experts API routes, the card-action handlers,
// the background execution of one-click actions, and the upkeep of every card copy. The
// composition root builds one with createManagedResponseFeature(deps), plugs `cardActions` into
// createBot({ extraCardActions }), `registerRoutes` into createServer({ registrars }), calls
// `refreshCopies` on every incident event, start() after listening and stop() before closing.
//
// The feature reaches into bot/ for its card-action handlers and into src/experts-api/ for its
// routes so that the composition root wires one object; both import botbuilder and restify only
// as types, so nothing here loads an SDK.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Server } from 'restify';
import { managedResponseCardActions } from '../../../bot/card-actions/managed-response-actions.ts';
import type { CardActionHandler } from '../../../bot/card-actions/card-action-router.ts';
import { ExpertAuthenticator, type ExpertsApiAuthOptions } from './experts-api/expert-auth.ts';
import { registerExpertsApi } from './experts-api/experts-routes.ts';
import { sleep as defaultSleep } from '../../platform/sleep.ts';
import type { Store } from '../../store/store.ts';
import type { Outbox } from '../../watcher/outbox.ts';
import type { ConversationRegistry } from '../../shared/conversation-registry.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { ActionExecutor, type ExecutorOptions } from './action-executor.ts';
import { AuditTrail } from './audit-trail.ts';
import { CardActionService } from './card-action-service.ts';
import { CardCopies } from './card-copies.ts';
import { IncidentTasks } from './incident-tasks.ts';
import type { DefenderPort } from './ports.ts';
import type { Sleep } from '../../platform/sleep.ts';
import { PublishService } from './publish-service.ts';
import { refreshCopies } from './refresh-copies.ts';
import { ResponseWriter } from './response-writer.ts';

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
  /** Not needed: publishing changes the incident in Graph, which the watcher reports. */
  outbox?: Outbox;
  sleep?: Sleep;
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

export interface ManagedResponseFeature {
  cardActions: Record<string, CardActionHandler>;
  registerRoutes(server: Server): void;
  publishing: PublishService;
  cards: CardActionService;
  audit: AuditTrail;
  executor: ActionExecutor;
  tasks: IncidentTasks;
  /** Re-renders every copy of the incident's cards (call on each incident event). */
  refreshCopies(tenantId: string, incidentId: string): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when no background work is left (tests and benches). */
  settle(): Promise<void>;
}

export function createManagedResponseFeature(
  deps: ManagedResponseFeatureDeps,
): ManagedResponseFeature {
  const { store, defender, delivery, conversations, incidents, logger, now } = deps;
  const timings = deps.timings ?? {};
  const sleep = deps.sleep ?? defaultSleep;
  const repository = new ManagedResponseRepository(store);
  const audit = new AuditTrail(store, now);
  const copies = new CardCopies(store);
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((err: unknown) => logger.error({ err }, 'background work failed'));
    background.add(tracked);
    void tracked.finally(() => background.delete(tracked));
  };
  const tasks = new IncidentTasks({ store, defender, incidents, audit, logger, now });
  const writer = new ResponseWriter({
    repository,
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
    ...(timings.poll ? { poll: timings.poll } : {}),
  });
  const shared = {
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
    writer,
    launch: (tenantId, incidentId, actionId) => executor.launch(tenantId, incidentId, actionId),
  });
  const graceMs = timings.socCopyGraceMs ?? 120_000;

  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    await tasks.runDue();
    // Actions left in progress by a run that failed midway (e.g. the store was briefly down).
    await executor.resume();
    const deferred = (await copies.listAll()).filter((c) => c.state === 'deferred');
    for (const key of new Set(deferred.map((c) => `${c.tenantId}\n${c.incidentId}`))) {
      const [tenantId = '', incidentId = ''] = key.split('\n');
      await refreshCopies(shared, tenantId, incidentId, { parentPlanned: false, graceMs });
    }
  };

  return {
    cardActions: managedResponseCardActions(cards),
    registerRoutes: (server) =>
      registerExpertsApi(server, {
        auth: new ExpertAuthenticator(deps.expertsApi),
        publishing,
        audit,
        logger,
        ...(deps.expertsApi.maxBodyBytes ? { maxBodyBytes: deps.expertsApi.maxBodyBytes } : {}),
      }),
    publishing,
    cards,
    audit,
    executor,
    tasks,
    refreshCopies: async (tenantId, incidentId) => {
      await refreshCopies(shared, tenantId, incidentId, { parentPlanned: true, graceMs });
    },
    start() {
      track(executor.resume());
      timer ??= setInterval(() => {
        sweeping ??= sweep()
          .catch((err: unknown) => logger.warn({ err }, 'managed-response sweep failed'))
          .finally(() => (sweeping = undefined));
      }, timings.sweepIntervalMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
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
