// The whole chat path for integration tests, as buildApp assembles it: restify → CloudAdapter → bot →
// DeliveryEngine → ProactiveMessenger → the fake Bot Connector (Teams' limits enforced), on a
// lowdb store file that can be closed and reopened (a restart). Two tenants talk through it:
// Contoso (a customer, Alex's personal chat) and the experts' tenant (its channel).
import { buildApp } from '../../../src/app/build-app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import { TeamsRateGate } from '../../../src/delivery/teams-rate-gate.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import type { ChatFeature } from '../../../src/features/chat/index.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { closeServer, listen } from '../../../src/server.ts';
import type { ConversationRegistry } from '../../../src/shared/conversation-registry.ts';
import { openEmbeddedStore } from '../../../src/app/open-store.ts';
import type { FlatStore } from '../../../src/store/flat-store.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import type { FakeBotConnector, FakeConversation } from '../../fakes/fake-bot-connector.ts';
import { fakeDefender } from '../../fakes/fake-defender.ts';
import { localAdapter } from '../../delivery/teams-harness.ts';
import { experts, tenants } from './chat-fixture.ts';

export const BOT = { id: '28:fake-bot', name: 'Managed Response' };

export interface ChatStack {
  store: FlatStore;
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
  const store = await openEmbeddedStore(options.dataDir);
  // Faster than the production pacing (which keeps well under Teams' limits): the fake connector
  // then answers some calls with 429, which the engine must retry without reordering.
  const gate = new TeamsRateGate({
    perConversation: [{ points: 3, durationMs: 300 }],
    perTenant: [{ points: 2, durationMs: 44 }],
  });
  for (const incident of options.incidents) {
    await store.put(SNAPSHOTS_COLLECTION, snapshotKey(incident.tenantId, incident.id), incident);
  }
  const comments: string[] = [];
  const app = await buildApp(
    loadConfig({ EXPERTS_TENANT_ID: experts.tenantId, EXPERTS_CHANNEL_ID: experts.channelId }),
    store,
    {
      logger: createLogger({ level: 'silent' }),
      defender: fakeDefender(tenants, {
        onComment: (_t, _i, comment) => void comments.push(comment),
      }),
      adapter: localAdapter(),
      teamsRateGate: gate,
      retries: { delivery: { baseDelayMs: 20, maxDelayMs: 200, retryAfterJitterMs: 20 } },
      tuning: { delivery: { pollIntervalMs: 20 }, chat: { trackIntervalMs: 20 } },
    },
  );
  const { server, delivery: engine, conversations: registry } = app;
  const feature = app.features.chat!;
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
      // A settle that never ends would only show as mocha's timeout; say what is still queued.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          void engine
            .listJobs()
            .then(
              (jobs) =>
                reject(
                  new Error(
                    `settle still waiting after 40 s; jobs: ${JSON.stringify(
                      jobs.map((j) => ({
                        id: j.job.id,
                        status: j.status,
                        attempts: j.attempts,
                        notBefore: j.notBefore,
                      })),
                    )}; last calls: ${JSON.stringify(options.connector.requests.slice(-10))}`,
                  ),
                ),
              reject,
            );
        }, 40_000);
      });
      try {
        await Promise.race([
          (async () => {
            await engine.drain();
            await feature.tracker.tick();
            await engine.drain();
          })(),
          stuck,
        ]);
      } finally {
        clearTimeout(timer);
      }
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
