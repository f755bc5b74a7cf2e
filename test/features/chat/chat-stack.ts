// The whole chat path for integration tests: restify → CloudAdapter → bot with the chat feature →
// DeliveryEngine → ProactiveMessenger → the fake Bot Connector (Teams' limits enforced), on a
// lowdb store file that can be closed and reopened (a restart). Two tenants talk through it:
// Contoso (a customer, Alex's personal chat) and the experts' tenant (its channel).
import type { Server } from 'restify';
import { createBot } from '../../../bot/create-bot.ts';
import { createChatFeature, type ChatFeature } from '../../../bot/chat/create-chat-feature.ts';
import { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import { TeamsRateGate } from '../../../src/delivery/teams-rate-gate.ts';
import { NotFoundError } from '../../../src/domain/errors.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { closeServer, createServer, listen } from '../../../src/server.ts';
import type { ConversationRegistry } from '../../../src/shared/conversation-registry.ts';
import { openLowdbStore, type LowdbStore } from '../../../src/store/lowdb-store.ts';
import type { FakeBotConnector, FakeConversation } from '../../fakes/fake-bot-connector.ts';
import { localAdapter, quietLogger, teamsMessenger } from '../../delivery/teams-harness.ts';
import { experts, tenants } from './chat-fixture.ts';

export const BOT = { id: '28:fake-bot', name: 'Managed Response' };

export interface ChatStack {
  store: LowdbStore;
  registry: ConversationRegistry;
  engine: DeliveryEngine;
  feature: ChatFeature;
  comments: string[];
  post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Delivers all, lets the tracker confirm or report, delivers that too. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startChatStack(options: {
  connector: FakeBotConnector;
  dataDir: string;
  incidents: Incident[];
}): Promise<ChatStack> {
  const store = await openLowdbStore({ dataDir: options.dataDir });
  // Faster than the production pacing (which keeps well under Teams' limits): the fake connector
  // then answers some calls with 429, which the engine must retry without reordering.
  const gate = new TeamsRateGate({
    perConversation: [{ points: 3, durationMs: 300 }],
    perTenant: [{ points: 2, durationMs: 44 }],
  });
  const { messenger, registry } = teamsMessenger(store, quietLogger, gate);
  const engine = new DeliveryEngine({
    store,
    messenger,
    logger: quietLogger,
    retry: { baseDelayMs: 20, maxDelayMs: 200, retryAfterJitterMs: 20 },
    pollIntervalMs: 20,
  });
  const logger = createLogger({ level: 'silent' });
  const find = (tenantId: string, incidentId: string) =>
    options.incidents.find((i) => i.tenantId === tenantId && i.id === incidentId);
  const comments: string[] = [];
  const feature = createChatFeature({
    store,
    delivery: engine,
    experts,
    tenantOf: (id) => tenants.find((t) => t.tenantId.toLowerCase() === id.toLowerCase()),
    incidents: {
      get: async (tenantId, incidentId) => find(tenantId, incidentId),
      listForTenant: async (tenantId) => options.incidents.filter((i) => i.tenantId === tenantId),
    },
    defender: {
      forTenant: () => ({
        incidents: {
          getIncident: (incidentId: string) =>
            Promise.reject(new NotFoundError('incident', incidentId)),
          addComment: async (_incidentId: string, comment: string) => comments.push(comment),
        },
      }),
    },
    logger,
    now: () => new Date(),
    trackIntervalMs: 20,
  });
  const bot = createBot({
    logger,
    conversations: registry,
    now: () => new Date(),
    organizationName: async () => undefined,
    extraCommands: feature.commands,
    extraCardActions: feature.cardActions,
    onFreeText: feature.onFreeText,
    onInstalled: feature.onInstalled,
  });
  const adapter = localAdapter();
  const server: Server = createServer({
    logger,
    processActivity: (req, res) => adapter.process(req, res, (ctx) => bot.run(ctx)),
    readiness: async () => ({ ready: true, checks: {} }),
  });
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  return {
    store,
    registry,
    engine,
    feature,
    comments,
    async post(activity) {
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async settle() {
      await engine.drain();
      await feature.tracker.tick();
      await engine.drain();
    },
    async close() {
      await feature.stop();
      await engine.stop();
      await closeServer(server);
      await store.close();
    },
  };
}

let nextId = 1;

/** A message as Teams sends it to the bot in that conversation. */
export function teamsMessage(
  connector: FakeBotConnector,
  where: { conversation: FakeConversation; threadRoot?: string },
  from: { id: string; name: string; aadObjectId: string },
  text: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { conversation, threadRoot } = where;
  const inChannel = conversation.kind === 'channel';
  return {
    type: 'message',
    id: `in-${nextId++}`,
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from,
    recipient: BOT,
    conversation: {
      id: threadRoot ? `${conversation.id};messageid=${threadRoot}` : conversation.id,
      conversationType: conversation.kind,
      isGroup: inChannel,
      tenantId: conversation.tenantId,
    },
    channelData: {
      tenant: { id: conversation.tenantId },
      ...(inChannel
        ? { team: { id: `${conversation.id}-team` }, channel: { id: conversation.id } }
        : {}),
    },
    text: inChannel ? `<at>${BOT.name}</at> ${text}` : text,
    entities: inChannel ? [{ type: 'mention', mentioned: BOT, text: `<at>${BOT.name}</at>` }] : [],
    ...extra,
  };
}

export function chatWithExpertsInvoke(
  message: Record<string, unknown>,
  incidentId: string,
): Record<string, unknown> {
  const rest = { ...message };
  delete rest.text;
  delete rest.entities;
  return {
    ...rest,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: 'chatWithExperts', data: { incidentId } } },
  };
}
