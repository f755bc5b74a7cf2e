// A Bot Connector (Teams flavour) for tests and the fan-out bench: the REST routes botbuilder
// calls, a message store per conversation, Teams' rate limits ENFORCED as sliding windows (the
// strictest reading of the documented figures), and faults injected at run time.
//
// Limits: per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h for writes (send, reply, update,
// delete); per tenant 50/1 s for every call. A call over a limit gets 429 with Retry-After in
// whole seconds (at least 1) and is not counted. Path ids arrive URI-encoded and are decoded.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeConversationKind = 'personal' | 'groupChat' | 'channel';
export type ConnectorOperation = 'create' | 'send' | 'update' | 'delete' | 'members';

export interface FakeConversation {
  id: string;
  tenantId: string;
  kind: FakeConversationKind;
  /** Entra object ids of the members. */
  memberIds: string[];
}

export interface FakeMessage {
  id: string;
  conversationId: string;
  /** Root message id when posted as a reply in a channel thread. */
  threadRootId?: string;
  text?: string;
  attachments?: { contentType: string; content: unknown }[];
  /** 1 when posted, +1 per update. */
  version: number;
  deleted: boolean;
  receivedAt: number;
  activity: Record<string, unknown>;
}

export interface FaultMatch {
  operation?: ConnectorOperation;
  /** Base conversation id (a thread id matches its channel). */
  conversationId?: string;
  tenantId?: string;
  /** A member of the conversation (or the user a 1:1 is being created for). */
  userId?: string;
}

export interface FaultSpec extends FaultMatch {
  status: number;
  /** How many matching calls get the fault (default 1; Infinity for "until cleared"). */
  count?: number;
  retryAfterSeconds?: number;
  code?: string;
}

export interface SlidingLimit {
  points: number;
  windowMs: number;
}

export interface FakeConnectorLimits {
  perConversation: SlidingLimit[];
  perTenant: SlidingLimit[];
}

export const teamsConnectorLimits: FakeConnectorLimits = {
  perConversation: [
    { points: 7, windowMs: 1_000 },
    { points: 8, windowMs: 2_000 },
    { points: 60, windowMs: 30_000 },
    { points: 1_800, windowMs: 3_600_000 },
  ],
  perTenant: [{ points: 50, windowMs: 1_000 }],
};

export interface RequestLogEntry {
  method: string;
  operation: ConnectorOperation | 'unknown';
  conversationId?: string;
  tenantId?: string;
  status: number;
  /** Why a 429 was returned: the enforced limit, or an injected fault. */
  reason?: 'conversationLimit' | 'tenantLimit' | 'injected';
  at: number;
}

interface Held {
  release(): void;
  message: FakeMessage;
}

interface Route {
  operation: ConnectorOperation;
  conversation?: FakeConversation;
  threadRootId?: string;
  activityId?: string;
  tenantId?: string;
  userId?: string;
  paged?: boolean;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeBotConnector {
  readonly conversations = new Map<string, FakeConversation>();
  readonly requests: RequestLogEntry[] = [];
  readonly #messages = new Map<string, FakeMessage[]>();
  readonly #users = new Set<string>();
  readonly #faults: (FaultSpec & { remaining: number })[] = [];
  readonly #holds: (FaultMatch & { remaining: number })[] = [];
  readonly #held: Held[] = [];
  readonly #heldWaiters: (() => void)[] = [];
  readonly #log = new Map<string, number[]>();
  #nextId = 1;
  #limits: FakeConnectorLimits | undefined;

  private constructor(
    private readonly server: Server,
    limits: FakeConnectorLimits | undefined,
  ) {
    this.#limits = limits;
  }

  /** Starts on 127.0.0.1 with a free port. Pass `limits: false` to turn enforcement off. */
  static async start(
    options: { limits?: FakeConnectorLimits | false } = {},
  ): Promise<FakeBotConnector> {
    const limits = options.limits === false ? undefined : (options.limits ?? teamsConnectorLimits);
    // eslint-disable-next-line prefer-const -- assigned after the server exists
    let connector: FakeBotConnector;
    const server = createServer((req, res) => {
      void connector.#handle(req, res);
    });
    connector = new FakeBotConnector(server, limits);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return connector;
  }

  /** The serviceUrl to put in conversation references. */
  get serviceUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  async close(): Promise<void> {
    for (const held of this.#held.splice(0)) held.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── seeding ────────────────────────────────────────────────────────────────────────────────

  addConversation(conversation: Omit<FakeConversation, 'id'> & { id?: string }): FakeConversation {
    const created = {
      ...conversation,
      id: conversation.id ?? newConversationId(conversation.kind),
    };
    this.conversations.set(created.id, created);
    for (const member of created.memberIds) this.#users.add(userKey(created.tenantId, member));
    return created;
  }

  /** The user can receive a new 1:1 (the app is available to them) without a chat yet. */
  addUser(tenantId: string, userId: string): void {
    this.#users.add(userKey(tenantId, userId));
  }

  /** A reference as the bot captures it from an incoming activity in that conversation. */
  referenceFor(conversation: FakeConversation): Record<string, unknown> {
    const userId = conversation.memberIds[0];
    return {
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      bot: { id: '28:fake-bot', name: 'MDR bot' },
      user: userId ? { id: `29:${userId}`, aadObjectId: userId } : undefined,
      conversation: {
        id: conversation.id,
        tenantId: conversation.tenantId,
        conversationType: conversation.kind,
        isGroup: conversation.kind !== 'personal',
      },
    };
  }

  // ── inspection ─────────────────────────────────────────────────────────────────────────────

  /** Messages of a conversation in arrival order (thread replies included). */
  messages(conversationId: string): FakeMessage[] {
    return [...(this.#messages.get(conversationId) ?? [])];
  }

  personalConversation(tenantId: string, userId: string): FakeConversation | undefined {
    return [...this.conversations.values()].find(
      (c) =>
        c.kind === 'personal' &&
        c.tenantId === tenantId &&
        c.memberIds.some((m) => m.toLowerCase() === userId.toLowerCase()),
    );
  }

  stats(): {
    total: number;
    byStatus: Record<number, number>;
    throttled: number;
    enforced429: number;
  } {
    const byStatus: Record<number, number> = {};
    for (const r of this.requests) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const enforced429 = this.requests.filter(
      (r) => r.reason === 'conversationLimit' || r.reason === 'tenantLimit',
    ).length;
    return { total: this.requests.length, byStatus, throttled: byStatus[429] ?? 0, enforced429 };
  }

  // ── faults ─────────────────────────────────────────────────────────────────────────────────

  inject(fault: FaultSpec): void {
    this.#faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  clearFaults(match: FaultMatch = {}): void {
    for (let i = this.#faults.length - 1; i >= 0; i -= 1) {
      const fault = this.#faults[i];
      if (fault && sameMatch(fault, match)) this.#faults.splice(i, 1);
    }
  }

  /** The next `count` matching sends are stored, but their responses wait for releaseHeld(). */
  holdResponses(match: FaultMatch & { count?: number }): void {
    this.#holds.push({ ...match, remaining: match.count ?? 1 });
  }

  /** Resolves once at least `count` responses are being held. */
  async waitForHeld(count = 1): Promise<FakeMessage[]> {
    while (this.#held.length < count) {
      await new Promise<void>((resolve) => this.#heldWaiters.push(resolve));
    }
    return this.#held.map((h) => h.message);
  }

  releaseHeld(): void {
    for (const held of this.#held.splice(0)) held.release();
  }

  // ── HTTP ───────────────────────────────────────────────────────────────────────────────────

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const entry: RequestLogEntry = { method, operation: 'unknown', status: 500, at: Date.now() };
    this.requests.push(entry);
    try {
      const body = await readJson(req);
      const route = this.#route(method, req.url ?? '/', body);
      entry.operation = route.operation;
      entry.conversationId = route.conversation?.id;
      entry.tenantId = route.tenantId;
      const fault = this.#takeFault(route);
      if (fault) {
        entry.reason = fault.status === 429 ? 'injected' : undefined;
        throw Object.assign(
          new HttpFailure(fault.status, fault.code ?? defaultCode(fault.status), 'injected fault'),
          { retryAfterSeconds: fault.retryAfterSeconds },
        );
      }
      const limited = this.#checkLimits(route, Date.now());
      if (limited) {
        entry.reason = limited.reason;
        throw Object.assign(new HttpFailure(429, 'Throttled', `over the ${limited.reason}`), {
          retryAfterSeconds: Math.max(1, Math.ceil(limited.retryAfterMs / 1000)),
        });
      }
      const { status, payload, message } = this.#execute(route, body);
      entry.status = status;
      if (message && this.#takeHold(route)) {
        await new Promise<void>((resolve) => {
          this.#held.push({ release: resolve, message });
          for (const wake of this.#heldWaiters.splice(0)) wake();
        });
      }
      if (!res.destroyed) send(res, status, payload);
    } catch (err) {
      const failure =
        err instanceof HttpFailure ? err : new HttpFailure(500, 'InternalError', String(err));
      entry.status = failure.status;
      const retryAfter = (failure as { retryAfterSeconds?: number }).retryAfterSeconds;
      const headers: Record<string, string> = {};
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      send(
        res,
        failure.status,
        { error: { code: failure.code, message: failure.message } },
        headers,
      );
    }
  }

  #route(method: string, url: string, body: Record<string, unknown>): Route {
    const path = new URL(url, 'http://fake').pathname;
    const parts = path
      .split('/')
      .filter((p) => p.length > 0)
      .map((p) => decodeURIComponent(p));
    if (parts[0] !== 'v3' || parts[1] !== 'conversations') {
      throw new HttpFailure(404, 'NotFound', `no route for ${method} ${path}`);
    }
    if (parts.length === 2 && method === 'POST') {
      const tenantId = stringAt(body, 'tenantId') ?? stringAt(body, 'channelData', 'tenant', 'id');
      const members = Array.isArray(body.members) ? (body.members as { id?: unknown }[]) : [];
      const userId = typeof members[0]?.id === 'string' ? members[0].id : undefined;
      return { operation: 'create', tenantId, userId };
    }
    const [base, thread] = (parts[2] ?? '').split(';messageid=');
    const conversation = this.conversations.get(base ?? '');
    if (!conversation)
      throw new HttpFailure(404, 'ConversationNotFound', `no conversation ${base}`);
    const common = { conversation, tenantId: conversation.tenantId, threadRootId: thread };
    const rest = parts.slice(3);
    if (rest[0] === 'members' || rest[0] === 'pagedmembers') {
      return { ...common, operation: 'members', paged: rest[0] === 'pagedmembers' };
    }
    if (rest[0] !== 'activities' || rest.length > 2) {
      throw new HttpFailure(404, 'NotFound', `no route for ${method} ${path}`);
    }
    const activityId = rest[1];
    if (method === 'POST') return { ...common, operation: 'send', activityId };
    if (method === 'PUT' && activityId) return { ...common, operation: 'update', activityId };
    if (method === 'DELETE' && activityId) return { ...common, operation: 'delete', activityId };
    throw new HttpFailure(405, 'MethodNotAllowed', `${method} ${path}`);
  }

  #takeFault(route: Route): FaultSpec | undefined {
    const fault = this.#faults.find((f) => f.remaining > 0 && this.#matches(f, route));
    if (fault) fault.remaining -= 1;
    return fault;
  }

  #takeHold(route: Route): boolean {
    const hold = this.#holds.find((h) => h.remaining > 0 && this.#matches(h, route));
    if (hold) hold.remaining -= 1;
    return hold !== undefined;
  }

  #matches(match: FaultMatch, route: Route): boolean {
    const members = route.conversation?.memberIds ?? (route.userId ? [route.userId] : []);
    return (
      (!match.operation || match.operation === route.operation) &&
      (!match.conversationId || match.conversationId === route.conversation?.id) &&
      (!match.tenantId || match.tenantId === route.tenantId) &&
      (!match.userId || members.some((m) => m.toLowerCase() === match.userId?.toLowerCase()))
    );
  }

  #checkLimits(
    route: Route,
    now: number,
  ): { reason: 'conversationLimit' | 'tenantLimit'; retryAfterMs: number } | undefined {
    const limits = this.#limits;
    if (!limits) return undefined;
    const keys: [string, SlidingLimit[], 'conversationLimit' | 'tenantLimit'][] = [];
    const writes = route.operation !== 'members' && route.operation !== 'create';
    if (writes && route.conversation) {
      keys.push([`c:${route.conversation.id}`, limits.perConversation, 'conversationLimit']);
    }
    if (route.tenantId)
      keys.push([`t:${route.tenantId.toLowerCase()}`, limits.perTenant, 'tenantLimit']);
    for (const [key, windows, reason] of keys) {
      const log = this.#log.get(key) ?? [];
      for (const window of windows) {
        const inWindow = log.filter((t) => t > now - window.windowMs);
        if (inWindow.length >= window.points) {
          return { reason, retryAfterMs: (inWindow[0] ?? now) + window.windowMs - now };
        }
      }
    }
    const longest = Math.max(
      ...[...limits.perConversation, ...limits.perTenant].map((w) => w.windowMs),
    );
    for (const [key] of keys) {
      const log = (this.#log.get(key) ?? []).filter((t) => t > now - longest);
      log.push(now);
      this.#log.set(key, log);
    }
    return undefined;
  }

  #execute(
    route: Route,
    body: Record<string, unknown>,
  ): { status: number; payload: unknown; message?: FakeMessage } {
    if (route.operation === 'create') return this.#create(route, body);
    const conversation = route.conversation!;
    if (route.operation === 'members') {
      const members = conversation.memberIds.map((id) => ({
        id: `29:${id}`,
        aadObjectId: id,
        objectId: id,
        tenantId: conversation.tenantId,
      }));
      return { status: 200, payload: route.paged ? { members } : members };
    }
    const list = this.#messages.get(conversation.id) ?? [];
    this.#messages.set(conversation.id, list);
    if (route.operation === 'send') {
      // A reply to an existing message is a thread reply; any other id (the SDK's continuation
      // id) posts at the top level, or in the thread named by ";messageid=".
      const parent = list.find((m) => m.id === route.activityId);
      const root = route.threadRootId ?? (parent ? (parent.threadRootId ?? parent.id) : undefined);
      const message = this.#store(conversation.id, root, body);
      list.push(message);
      return { status: 201, payload: { id: message.id }, message };
    }
    const target = list.find((m) => m.id === route.activityId && !m.deleted);
    if (!target) throw new HttpFailure(404, 'ActivityNotFound', `no activity ${route.activityId}`);
    if (route.operation === 'delete') {
      target.deleted = true;
      return { status: 200, payload: {} };
    }
    target.version += 1;
    target.text = stringAt(body, 'text');
    target.attachments = body.attachments as FakeMessage['attachments'];
    target.activity = body;
    return { status: 200, payload: { id: target.id } };
  }

  #create(route: Route, body: Record<string, unknown>): { status: number; payload: unknown } {
    const { tenantId, userId } = route;
    if (!tenantId || !userId || body.isGroup === true) {
      throw new HttpFailure(400, 'BadArgument', 'only 1:1 creation with tenantId and one member');
    }
    const existing = this.personalConversation(tenantId, userId);
    if (existing) return { status: 200, payload: { id: existing.id } };
    if (!this.#users.has(userKey(tenantId, userId))) {
      throw new HttpFailure(
        403,
        'BotNotInConversationRoster',
        'the app is not available to this user',
      );
    }
    const created = this.addConversation({ tenantId, kind: 'personal', memberIds: [userId] });
    return { status: 201, payload: { id: created.id, serviceUrl: this.serviceUrl } };
  }

  #store(
    conversationId: string,
    threadRootId: string | undefined,
    body: Record<string, unknown>,
  ): FakeMessage {
    const id = String(1_700_000_000_000 + this.#nextId++);
    return {
      id,
      conversationId,
      threadRootId,
      text: stringAt(body, 'text'),
      attachments: body.attachments as FakeMessage['attachments'],
      version: 1,
      deleted: false,
      receivedAt: Date.now(),
      activity: body,
    };
  }
}

function newConversationId(kind: FakeConversationKind): string {
  const id = randomUUID();
  if (kind === 'personal') return `a:${id}`;
  if (kind === 'channel') return `19:${id.replaceAll('-', '')}@thread.tacv2`;
  return `19:${id.replaceAll('-', '')}@thread.v2`;
}

function userKey(tenantId: string, userId: string): string {
  return `${tenantId.toLowerCase()}:${userId.toLowerCase()}`;
}

function sameMatch(a: FaultMatch, b: FaultMatch): boolean {
  return (
    (!b.operation || a.operation === b.operation) &&
    (!b.conversationId || a.conversationId === b.conversationId) &&
    (!b.tenantId || a.tenantId === b.tenantId) &&
    (!b.userId || a.userId === b.userId)
  );
}

function defaultCode(status: number): string {
  const codes: Record<number, string> = {
    403: 'ConversationBlockedByUser',
    404: 'ConversationNotFound',
    412: 'PreconditionFailed',
    413: 'MessageSizeTooBig',
    429: 'Throttled',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  return codes[status] ?? 'Error';
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new HttpFailure(400, 'BadSyntax', 'body is not JSON');
  }
}

function send(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(payload));
}
