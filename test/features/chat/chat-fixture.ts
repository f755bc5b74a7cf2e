// A chat relay over a memory store and a real DeliveryEngine whose messenger is in memory: two
// customer tenants (Contoso with a SOC channel, Fabrikam) and the experts' tenant.
import { DeliveryEngine } from '../../../src/delivery/delivery-engine.ts';
import type { DeliveryTarget } from '../../../src/delivery/delivery-job.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { ChatDeliveryTracker } from '../../../src/features/chat/chat-delivery-tracker.ts';
import type { ExpertsSide } from '../../../src/features/chat/chat-jobs.ts';
import { ChatRelay } from '../../../src/features/chat/chat-relay.ts';
import type { ChatMessage, ChatSender } from '../../../src/features/chat/chat-types.ts';
import { incidentFinder } from '../../../src/features/chat/incident-finder.ts';
import { socThreadResolver } from '../../../src/features/chat/soc-thread-resolver.ts';
import { incident as buildIncident } from '../../domain/builders.ts';
import { FakeClock } from '../../delivery/fake-clock.ts';
import { FakeMessenger } from '../../delivery/fake-messenger.ts';
import { quietLogger } from '../../delivery/teams-harness.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';

export const CONTOSO = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const FABRIKAM = '0b7e4d2c-9a81-4c3f-b6d5-7e8f9a0b1c2d';
export const STRANGER = '99999999-9999-4999-8999-999999999999';
export const EXPERTS_TENANT = '3e1d7c5a-2f4b-4a6c-9d8e-5f0a1b2c3d4e';
export const EXPERTS_CHANNEL = '19:experts-cc@thread.tacv2';
export const SOC_CHANNEL = '19:contoso-soc@thread.tacv2';
export const ALEX = '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c';
export const MEGAN = '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d';
export const FABRIKAM_USER = 'f0f0f0f0-0000-4000-8000-000000000001';
export const CONTOSO_INCIDENT = '2972403';
export const OTHER_CONTOSO_INCIDENT = '2972408';
export const FABRIKAM_INCIDENT = '3100101';

export const experts: ExpertsSide = {
  tenantId: EXPERTS_TENANT,
  channelId: EXPERTS_CHANNEL,
  name: 'Defender Experts',
};

export const expertsTarget: DeliveryTarget = {
  kind: 'conversation',
  tenantId: EXPERTS_TENANT,
  conversationId: EXPERTS_CHANNEL,
};

export function tenant(tenantId: string, name: string, socChannels: string[] = []): CustomerTenant {
  return {
    tenantId,
    name,
    expertsAccess: 'reader',
    roles: { operators: [], readers: [] },
    contacts: { primary: [], secondary: [] },
    admins: [],
    socChannels: socChannels.map((channelId) => ({ channelId, name: 'Incidents' })),
  };
}

export const tenants = [tenant(CONTOSO, 'Contoso', [SOC_CHANNEL]), tenant(FABRIKAM, 'Fabrikam')];

export function incidentOf(tenantId: string, id: string, title = `Incident ${id} title`): Incident {
  return buildIncident({
    tenantId,
    id,
    title,
    webUrl: `https://security.microsoft.com/incidents/${id}`,
  });
}

export function personalSender(
  userId = ALEX,
  userName = 'Alex Wilber',
  tenantId = CONTOSO,
): ChatSender {
  return { tenantId, userId, userName, conversationId: `a:${userId}`, kind: 'personal' };
}

export function socThreadSender(root: string, userName = 'Megan Bowen'): ChatSender {
  return {
    tenantId: CONTOSO,
    userId: MEGAN,
    userName,
    conversationId: `${SOC_CHANNEL};messageid=${root}`,
    kind: 'channel',
    channelId: SOC_CHANNEL,
  };
}

export function expertSender(root: string | undefined, userName = 'Dana Whitfield'): ChatSender {
  return {
    tenantId: EXPERTS_TENANT,
    userId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    userName,
    conversationId: root ? `${EXPERTS_CHANNEL};messageid=${root}` : EXPERTS_CHANNEL,
    kind: 'channel',
    channelId: EXPERTS_CHANNEL,
  };
}

let nextActivity = 1;
export function message(
  sender: ChatSender,
  text: string,
  options: { activityId?: string; attachments?: ChatMessage['attachments'] } = {},
): ChatMessage {
  return {
    sender,
    activityId: options.activityId ?? `act-${nextActivity++}`,
    text,
    attachments: options.attachments ?? [],
  };
}

export function chatFixture(
  options: { incidents?: Incident[]; commentFails?: () => boolean; maxChars?: number } = {},
) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const messenger = new FakeMessenger(clock.nowMs);
  const engine = new DeliveryEngine({
    store,
    messenger,
    logger: quietLogger,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
  const incidents = options.incidents ?? [
    incidentOf(CONTOSO, CONTOSO_INCIDENT, 'Ransomware on prod-server-01'),
    incidentOf(CONTOSO, OTHER_CONTOSO_INCIDENT, 'Lateral movement'),
    incidentOf(FABRIKAM, FABRIKAM_INCIDENT, 'Fabrikam phishing'),
  ];
  const directory = {
    get: async (tenantId: string, incidentId: string) =>
      incidents.find((i) => i.tenantId === tenantId && i.id === incidentId),
    listForTenant: async (tenantId: string) => incidents.filter((i) => i.tenantId === tenantId),
  };
  const comments: { tenantId: string; incidentId: string; comment: string }[] = [];
  const relay = new ChatRelay({
    store,
    delivery: engine,
    experts,
    tenantOf: (id) => tenants.find((t) => t.tenantId.toLowerCase() === id.toLowerCase()),
    findIncident: incidentFinder({ directory }),
    socThreadIncident: socThreadResolver({
      directory,
      findDelivery: (key) => engine.findDelivery(key),
      findThreadRoot: (...args) => engine.findThreadRoot(...args),
    }),
    addComment: async (tenantId, incidentId, comment) => {
      if (options.commentFails?.()) throw new Error('Graph is down');
      comments.push({ tenantId, incidentId, comment });
    },
    ...(options.maxChars ? { maxChars: options.maxChars } : {}),
    logger: quietLogger,
    now: clock.now,
  });
  const tracker = new ChatDeliveryTracker({
    store: relay.store,
    delivery: engine,
    experts,
    logger: quietLogger,
    now: clock.now,
  });
  /** Delivers everything, lets the tracker react, and delivers its notices. */
  const settle = async () => {
    await engine.drain();
    await tracker.tick();
    await engine.drain();
  };
  /** The experts-side thread root of an incident (the header card's activity id). */
  const threadRoot = async (tenantId = CONTOSO, incidentId = CONTOSO_INCIDENT) => {
    const record = await engine.findDelivery(`chat-thread:${tenantId.toLowerCase()}:${incidentId}`);
    if (!record) throw new Error('no thread yet');
    return record.activityId;
  };
  return {
    store,
    clock,
    messenger,
    engine,
    relay,
    tracker,
    comments,
    directory,
    settle,
    threadRoot,
  };
}
