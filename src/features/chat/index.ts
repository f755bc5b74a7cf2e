// The chat relay, as one feature: free text and the chat commands relay between a customer
// conversation and the incident's thread in the experts' channel (chat-relay.ts decides,
// chat-writes.ts writes); the chatWithExperts button binds a conversation to an incident; each
// incident event keeps the thread's header card current; the delivery tracker tells senders
// what became of their messages; an install in the experts' team resumes waiting relays.
import type { CardActionHandler, Command, Feature, Turn } from '../../app/feature.ts';
import type { Incident } from '../../domain/incident.ts';
import type { CallOptions } from '../../defender/graph-incidents-client.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Budgets } from '../../platform/budgets.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ConversationRecord } from '../../shared/conversation-registry.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { Store } from '../../store/store.ts';
import type { OutboxEvent } from '../../watcher/outbox.ts';
import { chatCommands } from './chat-commands.ts';
import { ChatDeliveryTracker } from './chat-delivery-tracker.ts';
import { chatHeaderRefreshJobs } from './chat-header-refresh.ts';
import { expertsTarget, type ExpertsSide } from './chat-jobs.ts';
import { ChatRelay } from './chat-relay.ts';
import { chatMessage } from './chat-turn.ts';
import { chatWithExpertsAction } from './chat-with-experts.ts';
import { incidentFinder } from './incident-finder.ts';
import { replyOutcome } from './reply-outcome.ts';
import { socThreadResolver } from './soc-thread-resolver.ts';

export type { ExpertsSide } from './chat-jobs.ts';
export { DEMO_EXPERTS_SIDE, resolveExpertsSide } from './experts-side.ts';

/**
 * What the feature needs of a tenant's Defender clients (DefenderClientFactory provides it). Its
 * calls are caused by people's messages: they go in the `user` lane (a bounded wait, and only
 * the users' share of the tenant's Graph quota, so the watcher keeps its own).
 */
export interface ChatDefender {
  forTenant(tenantId: string): {
    incidents: {
      getIncident(incidentId: string, options?: CallOptions): Promise<{ incident: Incident }>;
      addComment(incidentId: string, comment: string, options?: CallOptions): Promise<unknown>;
    };
  };
}

export interface ChatFeatureDeps {
  store: Store;
  delivery: Delivery;
  experts: ExpertsSide;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  incidents: Pick<IncidentDirectory, 'get' | 'listForTenant'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  defender: ChatDefender;
  /** Look-ups of incidents not stored yet, per user and tenant; none = unlimited. */
  budgets?: Pick<Budgets, 'spend'>;
  logger: Logger;
  now: Clock;
  /** Message size limit in characters (default 4,000). */
  maxChars?: number;
  /** How often the delivery tracker looks (default 1000 ms). */
  trackIntervalMs?: number;
  /** Whether this instance follows the tenant's relays to their end (default: every tenant). */
  owns?: (tenantId: string) => boolean;
}

export interface ChatFeature extends Feature {
  readonly name: 'chat';
  onFreeText: (turn: Turn) => Promise<boolean>;
  cardActions: { chatWithExperts: CardActionHandler };
  commands: Command[];
  /** The bot added to the experts' team resumes waiting relays. */
  onInstalled: (record: ConversationRecord) => Promise<void>;
  /** Edits the header of the incident's experts thread, if there is one. */
  onIncidentEvent: (event: OutboxEvent) => Promise<void>;
  relay: ChatRelay;
  tracker: ChatDeliveryTracker;
  start: () => void;
  stop: () => Promise<void>;
}

export function chatFeature(deps: ChatFeatureDeps): ChatFeature {
  const logger = deps.logger.child({ component: 'chat' });
  const { budgets } = deps;
  const relay = new ChatRelay({
    store: deps.store,
    delivery: deps.delivery,
    experts: deps.experts,
    tenantOf: deps.tenantOf,
    findIncident: incidentFinder({
      directory: deps.incidents,
      fetch: async (tenantId, incidentId) =>
        (
          await deps.defender
            .forTenant(tenantId)
            .incidents.getIncident(incidentId, { lane: 'user' })
        ).incident,
      ...(budgets
        ? { spend: (tenantId, userId) => budgets.spend('lookup', { tenantId, userId }) }
        : {}),
    }),
    socThreadIncident: socThreadResolver({
      directory: deps.incidents,
      findDelivery: (key) => deps.delivery.findDelivery(key),
      findThreadRoot: (...args) => deps.delivery.findThreadRoot(...args),
    }),
    managedResponse: async (tenantId: string, incidentId: string) =>
      (await deps.responses.get(tenantId, incidentId))?.value,
    addComment: async (tenantId, incidentId, comment) => {
      await deps.defender
        .forTenant(tenantId)
        .incidents.addComment(incidentId, comment, { lane: 'user' });
    },
    ...(deps.maxChars ? { maxChars: deps.maxChars } : {}),
    logger,
    now: deps.now,
  });
  const tracker = new ChatDeliveryTracker({
    store: relay.store,
    delivery: deps.delivery,
    experts: deps.experts,
    logger,
    now: deps.now,
    ...(deps.trackIntervalMs ? { intervalMs: deps.trackIntervalMs } : {}),
    ...(deps.owns ? { owns: deps.owns } : {}),
  });
  const relayText = async (turn: Turn): Promise<void> => {
    await replyOutcome(turn.reply, await relay.handleMessage(chatMessage(turn)));
  };
  return {
    name: 'chat',
    onFreeText: async (turn) => {
      await relayText(turn);
      return true;
    },
    cardActions: { chatWithExperts: chatWithExpertsAction(relay) },
    commands: chatCommands(relay, relayText),
    onInstalled: async (record) => {
      const experts = deps.experts;
      if (
        record.kind !== 'channel' ||
        record.tenantId.toLowerCase() !== experts.tenantId.toLowerCase()
      ) {
        return;
      }
      const resumed = await deps.delivery.markReachable(expertsTarget(experts));
      if (resumed > 0) logger.info({ resumed }, "relays to the experts' channel resumed");
    },
    async onIncidentEvent(event) {
      const jobs = await chatHeaderRefreshJobs(event, {
        experts: deps.experts,
        tenantOf: deps.tenantOf,
        incidents: deps.incidents,
        responses: deps.responses,
        threadExists: async (key) => (await deps.delivery.findDelivery(key)) !== undefined,
        now: deps.now,
      });
      if (jobs.length > 0) await deps.delivery.enqueue(jobs);
    },
    relay,
    tracker,
    start: () => tracker.start(),
    stop: () => tracker.stop(),
  };
}
