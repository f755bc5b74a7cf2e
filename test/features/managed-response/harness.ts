// A managed-response feature on fakes: memory store, scriptable Defender (incidents and machine
// actions), the real delivery engine with a recording messenger, an instant clock.
import { silentLogger, type Logger } from '../../../src/platform/logger.ts';
import type { DeviceActionState } from '../../../src/defender/machine-action-mapper.ts';
import type { RunDeviceActionRequest } from '../../../src/defender/machine-actions-client.ts';
import type { IncidentUpdate } from '../../../src/defender/graph-incidents-client.ts';
import { DefenderNotFoundError } from '../../../src/defender/errors.ts';
import type { DeliveryTarget, OutgoingActivity } from '../../../src/delivery/delivery-job.ts';
import type { MessageLocation, Messenger, SendOptions } from '../../../src/delivery/messenger.ts';
import { NotFoundError } from '../../../src/domain/errors.ts';
import type { Incident } from '../../../src/domain/incident.ts';
import type { OneClickKind } from '../../../src/domain/response-action.ts';
import type { CustomerTenant } from '../../../src/domain/tenant.ts';
import { buildApp } from '../../../src/app/build-app.ts';
import { loadConfig } from '../../../src/config.ts';
import type {
  DefenderPort,
  IncidentsPort,
  MachineActionsPort,
} from '../../../src/features/managed-response/ports.ts';
import { socMessageKey } from '../../../src/shared/message-keys.ts';
import { SNAPSHOTS_COLLECTION, snapshotKey } from '../../../src/watcher/incident-snapshots.ts';
import { MemoryStore } from '../../fakes/memory-store.ts';
import type { Ownership } from '../../../src/cluster/ownership.ts';

export const TENANT = '6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const OTHER_TENANT = '0b7e4d2c-9a81-4c3f-b6d5-7e8f9a0b1c2d';
export const OPERATOR = '4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c';
export const READER = '5c9a1d2f-7b3e-4f4a-9cad-1e2f3a4b5c6d';
export const SOC_CHANNEL = '19:contoso-soc@thread.tacv2';
export const DEVICE = '1e5bc9d7e413ddd7902c2932e418702b84d0cc07';

export const quiet: Logger = silentLogger;

export function contoso(overrides: Partial<CustomerTenant> = {}): CustomerTenant {
  return {
    tenantId: TENANT,
    name: 'Contoso',
    expertsAccess: 'reader',
    roles: { operators: [OPERATOR], readers: [READER] },
    contacts: { primary: [{ userId: OPERATOR, name: 'Alex Wilber' }], secondary: [] },
    admins: [],
    socChannels: [{ channelId: SOC_CHANNEL, name: 'Incidents' }],
    ...overrides,
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: '2972403',
    tenantId: TENANT,
    title: 'Ransomware on prod-server-01',
    severity: 'high',
    status: 'inProgress',
    assignedTo: 'Defender Experts',
    classification: 'truePositive',
    determination: 'malware',
    customTags: [],
    systemTags: ['Defender Experts'],
    webUrl: `https://security.microsoft.com/incidents/2972403?tid=${TENANT}`,
    createdAt: '2026-03-02T08:00:00Z',
    lastUpdatedAt: '2026-03-02T09:00:00Z',
    comments: [],
    ...overrides,
  };
}

export class FakeIncidents implements IncidentsPort {
  readonly updates: { id: string; update: IncidentUpdate }[] = [];
  readonly comments: { id: string; comment: string }[] = [];
  /** Errors thrown by the next calls to updateIncident (and to addComment). */
  readonly failures: Error[] = [];
  readonly commentFailures: Error[] = [];
  constructor(readonly known: Map<string, Incident>) {}

  /** What the watcher would read (it is not started in these tests). */
  async listIncidents(): Promise<Incident[]> {
    return [...this.known.values()];
  }

  async getIncident(id: string) {
    const found = this.known.get(id);
    if (!found) throw new DefenderNotFoundError('graph', 'incident', id);
    return { incident: found, alerts: [] };
  }
  async updateIncident(id: string, update: IncidentUpdate): Promise<Incident> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.updates.push({ id, update });
    return { ...(await this.getIncident(id)).incident, ...update };
  }
  async addComment(id: string, comment: string) {
    const failure = this.commentFailures.shift() ?? this.failures.shift();
    if (failure) throw failure;
    this.comments.push({ id, comment });
    return [];
  }
}

/** Machine actions that stay in progress until `finish` (or finish on the first poll). */
export class FakeMachineActions implements MachineActionsPort {
  readonly runs: RunDeviceActionRequest[] = [];
  readonly states = new Map<string, DeviceActionState>();
  readonly runFailures: Error[] = [];
  /** When set, every new action ends like this on its first poll. */
  autoFinish: { status: 'completed' | 'failed'; failureReason?: string } | undefined = {
    status: 'completed',
  };
  polls = 0;

  async runAction(request: RunDeviceActionRequest): Promise<DeviceActionState> {
    const failure = this.runFailures.shift();
    if (failure) throw failure;
    this.runs.push(request);
    const state: DeviceActionState = {
      id: `ma-${this.runs.length}`,
      kind: request.kind,
      deviceId: request.deviceId,
      deviceName: 'prod-server-01',
      status: 'inProgress',
      queued: true,
      comment: request.comment,
      requestedBy: 'managed-response-bot',
    };
    this.states.set(state.id, state);
    return { ...state };
  }
  async getAction(id: string): Promise<DeviceActionState> {
    this.polls += 1;
    const state = this.states.get(id);
    if (!state) throw new NotFoundError('response action', id);
    if (state.status === 'inProgress' && this.autoFinish)
      this.finish(id, this.autoFinish.status, this.autoFinish.failureReason);
    return { ...this.states.get(id)! };
  }
  async findPendingAction(deviceId: string, kind: OneClickKind) {
    return [...this.states.values()].find(
      (s) => s.deviceId === deviceId && s.kind === kind && s.status === 'inProgress',
    );
  }
  /** Every action on the device, as GET /api/machineactions?$filter=machineId eq … lists them. */
  async listDeviceActions(deviceId: string, _signal?: AbortSignal): Promise<DeviceActionState[]> {
    return [...this.states.values()].filter((s) => s.deviceId === deviceId).map((s) => ({ ...s }));
  }
  /** An action someone else started in Defender (e.g. automated investigation). */
  addForeign(kind: OneClickKind, requestedBy = 'Automated investigation'): DeviceActionState {
    const state: DeviceActionState = {
      id: `foreign-${this.states.size + 1}`,
      kind,
      deviceId: DEVICE,
      deviceName: 'prod-server-01',
      status: 'inProgress',
      queued: false,
      requestedBy,
      comment: 'AIR remediation',
    };
    this.states.set(state.id, state);
    return state;
  }
  finish(id: string, status: 'completed' | 'failed', failureReason?: string): void {
    const state = this.states.get(id)!;
    this.states.set(id, { ...state, status, ...(failureReason ? { failureReason } : {}) });
  }
}

export class FakeDefender implements DefenderPort {
  readonly incidents: FakeIncidents;
  constructor(
    readonly tenant: CustomerTenant,
    known: Map<string, Incident>,
    /** Another instance's view of the same Defender: pass the same actions. */
    readonly machineActions = new FakeMachineActions(),
  ) {
    this.incidents = new FakeIncidents(known);
  }
  forTenant(tenantId: string) {
    if (tenantId.toLowerCase() !== this.tenant.tenantId.toLowerCase()) {
      throw new NotFoundError('customer tenant', tenantId);
    }
    return { tenant: this.tenant, incidents: this.incidents, machineActions: this.machineActions };
  }
  tenants() {
    return [this.tenant];
  }
}

export interface PostedMessage {
  target: DeliveryTarget;
  location: MessageLocation;
  replyTo?: MessageLocation;
  activity: OutgoingActivity;
  versions: number;
}

/** Keeps the latest content of every message it was asked to post or edit. */
export class RecordingMessenger implements Messenger {
  readonly messages: PostedMessage[] = [];
  #next = 1;
  async send(target: DeliveryTarget, activity: OutgoingActivity, options: SendOptions = {}) {
    const conversationId =
      target.kind === 'conversation' ? target.conversationId : `chat:${target.userId}`;
    const location = { conversationId, activityId: `m${this.#next++}` };
    this.messages.push({
      target,
      location,
      activity,
      versions: 1,
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    });
    return location;
  }
  async update(
    _t: DeliveryTarget,
    conversationId: string,
    activityId: string,
    activity: OutgoingActivity,
  ) {
    const message = this.messages.find(
      (m) => m.location.conversationId === conversationId && m.location.activityId === activityId,
    );
    if (!message) throw new Error(`no message ${activityId}`);
    message.activity = activity;
    message.versions += 1;
  }
  /** Card JSON of each message (attachments) as text, in posting order. */
  cards(): string[] {
    return this.messages.map((m) =>
      JSON.stringify(m.activity.attachments?.[0]?.content ?? m.activity.text),
    );
  }
}

export async function harness(
  options: {
    tenant?: CustomerTenant;
    incidents?: Incident[];
    /** Experts API token checks (default: the local API key `local-key`). */
    expertsApi?: { tenantId: string; audience: string; jwksUrl: string; maxBodyBytes?: number };
    sweepIntervalMs?: number;
    /** A store from an earlier harness: the same records after a "restart". */
    store?: MemoryStore;
    /** Several instances (tenant-work.ts): who owns which tenant; default: one owns all. */
    ownership?: Ownership;
    /** Another instance's: the same Defender and Teams. */
    defender?: FakeDefender;
    messenger?: RecordingMessenger;
  } = {},
) {
  const store = options.store ?? new MemoryStore();
  let ms = Date.parse('2026-03-02T09:30:00Z');
  const now = () => new Date(ms);
  const sleep = async (delay: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw new Error('aborted');
    ms += delay;
    await new Promise((resolve) => setImmediate(resolve));
  };
  const seeded = options.incidents ?? [incident()];
  const defender =
    options.defender ??
    new FakeDefender(options.tenant ?? contoso(), new Map(seeded.map((i) => [i.id, i])));
  const messenger = options.messenger ?? new RecordingMessenger();
  for (const i of seeded) await store.put(SNAPSHOTS_COLLECTION, snapshotKey(i.tenantId, i.id), i);
  const api = options.expertsApi;
  const config = loadConfig(
    api
      ? {
          EXPERTS_TENANT_ID: api.tenantId,
          EXPERTS_CHANNEL_ID: '19:experts@thread.tacv2',
          EXPERTS_API_AUDIENCE: api.audience,
          EXPERTS_JWKS_URL: api.jwksUrl,
        }
      : { EXPERTS_API_KEY: 'local-key' },
  );
  const app = await buildApp(config, store, {
    logger: quiet,
    defender,
    clock: now,
    sleep,
    messenger,
    ...(options.ownership ? { ownership: options.ownership } : {}),
    tuning: {
      managedResponse: {
        poll: { initialMs: 10 },
        incidentUpdateWaitMs: 2_000,
        ...(options.sweepIntervalMs ? { sweepIntervalMs: options.sweepIntervalMs } : {}),
      },
      ...(api?.maxBodyBytes ? { expertsApi: { maxBodyBytes: api.maxBodyBytes } } : {}),
    },
  });
  const { delivery, conversations } = app;
  const feature = app.features.managedResponse;
  return {
    app,
    store,
    defender,
    messenger,
    delivery,
    conversations,
    feature,
    now,
    advance: (delay: number) => (ms += delay),
    setIncident: async (i: Incident) => {
      defender.incidents.known.set(i.id, i);
      await store.put(SNAPSHOTS_COLLECTION, snapshotKey(i.tenantId, i.id), i);
    },
    /** Posts the SOC channel's incident card, as the notification service does. */
    postSocCard: async (incidentId = '2972403') => {
      const key = socMessageKey(TENANT, incidentId, SOC_CHANNEL);
      await delivery.enqueue([
        {
          id: `soc-card-${incidentId}`,
          orderingKey: key,
          target: { kind: 'conversation', tenantId: TENANT, conversationId: SOC_CHANNEL },
          operation: { kind: 'send', activity: { text: `SOC card ${incidentId}` } },
          messageKey: key,
          createdAt: now().toISOString(),
        },
      ]);
      await delivery.drain();
    },
    /** Lets background work and deliveries finish. */
    settle: async () => {
      await feature.settle();
      await delivery.drain();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof harness>>;
