// The chat relay as a bot feature: free text, the chatWithExperts card action, the chat commands,
// and the delivery tracker to start and stop with the app. src/main.ts wires it (see the report).
import type { Delivery } from '../../src/shared/delivery.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { TurnContext } from 'botbuilder';
import type { Incident } from '../../src/domain/incident.ts';
import type { CustomerTenant } from '../../src/domain/tenant.ts';
import type { Logger } from '../../src/platform/logger.ts';
import type { ConversationRecord } from '../../src/shared/conversation-registry.ts';
import type { IncidentDirectory } from '../../src/shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../src/shared/managed-response-repository.ts';
import { ChatDeliveryTracker } from '../../src/features/chat/chat-delivery-tracker.ts';
import { expertsTarget, type ExpertsSide } from '../../src/features/chat/chat-jobs.ts';
import { ChatRelay } from '../../src/features/chat/chat-relay.ts';
import { incidentFinder } from '../../src/features/chat/incident-finder.ts';
import { socThreadResolver } from '../../src/features/chat/soc-thread-resolver.ts';
import type { Store } from '../../src/store/store.ts';
import type { CardActionHandler } from '../card-actions/card-action-router.ts';
import type { Command } from '../commands/command-table.ts';
import { chatCommands } from './chat-commands.ts';
import { chatMessage } from './chat-turn.ts';
import { chatWithExpertsAction } from './chat-with-experts-action.ts';
import { sendOutcome } from './send-outcome.ts';

/** What the feature needs of a tenant's Defender clients (DefenderClientFactory provides it). */
export interface ChatDefender {
  forTenant(tenantId: string): {
    incidents: {
      getIncident(incidentId: string): Promise<{ incident: Incident }>;
      addComment(incidentId: string, comment: string): Promise<unknown>;
    };
  };
}

export interface ChatFeatureDeps {
  store: Store;
  delivery: Delivery;
  experts: ExpertsSide;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  incidents: Pick<IncidentDirectory, 'get' | 'listForTenant'>;
  responses?: Pick<ManagedResponseRepository, 'get'>;
  defender: ChatDefender;
  logger: Logger;
  now: Clock;
  /** Message size limit in characters (default 4,000). */
  maxChars?: number;
  /** How often the delivery tracker looks (default 1000 ms). */
  trackIntervalMs?: number;
}

export interface ChatFeature {
  onFreeText: (context: TurnContext, text: string) => Promise<boolean>;
  cardActions: { chatWithExperts: CardActionHandler };
  commands: Command[];
  /** Pass on the bot's onInstalled: the bot added to the experts' team resumes waiting relays. */
  onInstalled: (record: ConversationRecord) => Promise<void>;
  relay: ChatRelay;
  tracker: ChatDeliveryTracker;
  start: () => void;
  stop: () => Promise<void>;
}

export function createChatFeature(deps: ChatFeatureDeps): ChatFeature {
  const logger = deps.logger.child({ component: 'chat' });
  const relay = new ChatRelay({
    store: deps.store,
    delivery: deps.delivery,
    experts: deps.experts,
    tenantOf: deps.tenantOf,
    findIncident: incidentFinder({
      directory: deps.incidents,
      fetch: async (tenantId, incidentId) =>
        (await deps.defender.forTenant(tenantId).incidents.getIncident(incidentId)).incident,
    }),
    socThreadIncident: socThreadResolver({
      directory: deps.incidents,
      findDelivery: (key) => deps.delivery.findDelivery(key),
    }),
    ...(deps.responses && {
      managedResponse: async (tenantId: string, incidentId: string) =>
        (await deps.responses?.get(tenantId, incidentId))?.value,
    }),
    addComment: async (tenantId, incidentId, comment) => {
      await deps.defender.forTenant(tenantId).incidents.addComment(incidentId, comment);
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
  });
  const relayText = async (context: TurnContext): Promise<void> => {
    await sendOutcome(context, await relay.handleMessage(chatMessage(context)));
  };
  return {
    // The bot hands over free text with mentions already cut out; the relay reads the activity
    // itself, which keeps formatting and other people's names.
    onFreeText: async (context) => {
      await relayText(context);
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
    relay,
    tracker,
    start: () => tracker.start(),
    stop: () => tracker.stop(),
  };
}
