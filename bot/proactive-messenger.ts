// The delivery engine's Messenger over botbuilder's CloudAdapter: proactive sends, threaded
// replies and in-place updates, with the conversation references the bot recorded.
//
// Two choices worth knowing:
// - Every call waits for a slot in the TeamsRateGate right before the request goes out (after
//   the registry lookups), so the pacing the gate computes is the pacing Teams sees.
// - The connector client's own retry policy (@azure/core-rest-pipeline's defaultRetryPolicy:
//   three silent retries on 429/5xx/network errors) is removed for the calls made here. The
//   engine owns retries: it counts them, keeps them durable, and frees the slot while it waits.
//   (createConversationAsync makes its call before our code runs, so that one call keeps them.)
import { systemClock, type Clock } from '../src/platform/clock.ts';
import type { Logger } from '../src/platform/logger.ts';
import {
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
} from 'botbuilder';
import { z } from 'zod';
import {
  baseConversationId,
  deliveryTargetKey,
  type DeliveryTarget,
  type OutgoingActivity,
} from '../src/delivery/delivery-job.ts';
import {
  MessengerError,
  type MessageLocation,
  type Messenger,
  type SendOptions,
} from '../src/delivery/messenger.ts';
import { TeamsRateGate, type RateScope } from '../src/delivery/teams-rate-gate.ts';
import { parseRetryAfterMs } from '../src/platform/retry.ts';
import { noTelemetry, type Telemetry } from '../src/platform/telemetry.ts';
import type { ConversationRegistry } from '../src/shared/conversation-registry.ts';

export interface ProactiveMessengerOptions {
  adapter: CloudAdapter;
  /** MicrosoftAppId ('' in local mode, where the adapter does no auth). */
  appId: string;
  registry: ConversationRegistry;
  logger: Logger;
  /** Share one gate per process: Teams counts every call of the app in a tenant. */
  rateGate?: TeamsRateGate;
  now?: Clock;
  /** Counts the waits Teams' pacing imposes (GET /metrics). */
  telemetry?: Telemetry;
}

const referenceSchema = z.looseObject({
  serviceUrl: z.string().min(1),
  channelId: z.string().optional(),
  conversation: z.looseObject({ id: z.string().min(1) }),
  bot: z.looseObject({ id: z.string().min(1) }).optional(),
});
type StoredReference = z.infer<typeof referenceSchema>;

type Route =
  | { kind: 'known'; reference: StoredReference }
  | { kind: 'create'; serviceUrl: string; bot: { id: string } };

export class ProactiveMessenger implements Messenger {
  private readonly adapter: CloudAdapter;
  private readonly appId: string;
  private readonly registry: ConversationRegistry;
  private readonly logger: Logger;
  private readonly gate: TeamsRateGate;
  private readonly now: Clock;
  private readonly telemetry: Telemetry;
  private warnedRetryPolicy = false;

  constructor(options: ProactiveMessengerOptions) {
    this.adapter = options.adapter;
    this.appId = options.appId;
    this.registry = options.registry;
    this.logger = options.logger;
    this.gate = options.rateGate ?? new TeamsRateGate();
    this.now = options.now ?? systemClock;
    this.telemetry = options.telemetry ?? noTelemetry;
  }

  /** Waits for Teams' pacing (TeamsRateGate) right before a call goes out. */
  private async pass(scope: RateScope, signal: AbortSignal | undefined): Promise<void> {
    const waitedMs = await this.gate.acquire(scope, signal);
    if (waitedMs > 0) this.telemetry.rateLimited('botConnector', waitedMs, false);
  }

  async send(
    target: DeliveryTarget,
    activity: OutgoingActivity,
    options: SendOptions = {},
  ): Promise<MessageLocation> {
    const scope = rateScope(target);
    try {
      const route = await this.route(target);
      if (route.kind === 'create' && target.kind === 'personal') {
        return await this.createAndSend(target, route, activity, scope, options.signal);
      }
      if (route.kind !== 'known') throw notInstalled(target);
      const conversationId = options.replyTo
        ? `${baseConversationId(options.replyTo.conversationId)};messageid=${options.replyTo.activityId}`
        : target.kind === 'conversation'
          ? target.conversationId
          : route.reference.conversation.id;
      return await this.sendIn(route.reference, conversationId, activity, scope, options.signal);
    } catch (err) {
      throw await this.toMessengerError(err, scope, options.signal);
    }
  }

  async update(
    target: DeliveryTarget,
    conversationId: string,
    activityId: string,
    activity: OutgoingActivity,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const scope = rateScope(target);
    try {
      const route = await this.route(target);
      if (route.kind !== 'known') throw notInstalled(target);
      await inTurn(
        (logic) =>
          this.adapter.continueConversationAsync(
            this.appId,
            withConversation(route.reference, conversationId),
            logic,
          ),
        async (context) => {
          this.disableSdkRetries(context);
          await this.pass(scope, options.signal);
          await context.updateActivity({ ...toActivity(activity), id: activityId });
        },
      );
    } catch (err) {
      throw await this.toMessengerError(err, scope, options.signal);
    }
  }

  private async route(target: DeliveryTarget): Promise<Route> {
    if (target.kind === 'conversation') {
      const id = baseConversationId(target.conversationId);
      const record = await this.registry.get(id);
      const reference = record && referenceSchema.safeParse(record.reference);
      if (reference?.success) return { kind: 'known', reference: reference.data };
      // A bot installed in a team may post to any of its channels: a channel the bot has not
      // seen yet (e.g. the configured SOC channel) is reached through the team's known channel.
      // If the bot is not in that team, Teams answers 403 and the target is parked.
      // The tenant's channel written last (its indexes: not every tenant's conversations).
      const channel = await this.registry.latest(
        target.tenantId,
        (r) => r.kind === 'channel' && referenceSchema.safeParse(r.reference).success,
      );
      const other = channel && referenceSchema.safeParse(channel.reference);
      if (other?.success) {
        return {
          kind: 'known',
          reference: { ...other.data, conversation: { ...other.data.conversation, id } },
        };
      }
      throw notInstalled(target);
    }
    const personal = await this.registry.findPersonal(target.tenantId, target.userId);
    const reference = personal && referenceSchema.safeParse(personal.reference);
    if (reference?.success) return { kind: 'known', reference: reference.data };
    // No 1:1 yet: create it on the serviceUrl this tenant's latest conversation uses.
    const record = await this.registry.latest(
      target.tenantId,
      (r) => referenceSchema.safeParse(r.reference).success,
    );
    const other = record && referenceSchema.safeParse(record.reference);
    if (other?.success) {
      const bot = other.data.bot ?? { id: `28:${this.appId}` };
      return { kind: 'create', serviceUrl: other.data.serviceUrl, bot: { id: bot.id } };
    }
    throw notInstalled(target);
  }

  private async sendIn(
    reference: StoredReference,
    conversationId: string,
    activity: OutgoingActivity,
    scope: RateScope,
    signal: AbortSignal | undefined,
  ): Promise<MessageLocation> {
    return inTurn(
      (logic) =>
        this.adapter.continueConversationAsync(
          this.appId,
          withConversation(reference, conversationId),
          logic,
        ),
      (context) => this.sendInTurn(context, activity, scope, signal),
    );
  }

  private async createAndSend(
    target: Extract<DeliveryTarget, { kind: 'personal' }>,
    route: Extract<Route, { kind: 'create' }>,
    activity: OutgoingActivity,
    scope: RateScope,
    signal: AbortSignal | undefined,
  ): Promise<MessageLocation> {
    const parameters = {
      isGroup: false,
      bot: route.bot,
      members: [{ id: target.userId }],
      tenantId: target.tenantId,
      channelData: { tenant: { id: target.tenantId } },
    } as ConversationParameters;
    // Teams counts creating a conversation apart from sending in it (its own row in the limits).
    await this.pass({ ...scope, conversationKey: `create:${scope.conversationKey}` }, signal);
    return inTurn(
      (logic) =>
        this.adapter.createConversationAsync(
          this.appId,
          'msteams',
          route.serviceUrl,
          // undefined lets the SDK pick the channel audience of its configured cloud; the typing
          // says string only.
          undefined as unknown as string,
          parameters,
          logic,
        ),
      async (context) => {
        // Record the chat before the first send, so a retry continues it instead of creating again.
        const reference = TurnContext.getConversationReference(
          context.activity,
        ) as unknown as Record<string, unknown>;
        delete reference.activityId;
        reference.user = { id: target.userId, aadObjectId: target.userId };
        const conversationId = context.activity.conversation.id;
        await this.registry.record({
          conversationId,
          kind: 'personal',
          tenantId: target.tenantId,
          userId: target.userId,
          reference,
          updatedAt: this.now().toISOString(),
        });
        this.logger.info({ tenantId: target.tenantId, conversationId }, 'created a 1:1 chat');
        return this.sendInTurn(context, activity, scope, signal);
      },
    );
  }

  private async sendInTurn(
    context: TurnContext,
    activity: OutgoingActivity,
    scope: RateScope,
    signal: AbortSignal | undefined,
  ): Promise<MessageLocation> {
    this.disableSdkRetries(context);
    await this.pass(scope, signal);
    const response = await context.sendActivity(toActivity(activity));
    const activityId = response?.id ?? '';
    if (!activityId) {
      this.logger.warn(
        { conversationId: context.activity.conversation.id },
        'Teams returned no activity id',
      );
    }
    return { conversationId: context.activity.conversation.id, activityId };
  }

  private disableSdkRetries(context: TurnContext): void {
    // ConnectorClient keeps its @azure/core-client ServiceClient in a field the typings hide.
    const connector = context.turnState.get<
      { client?: { pipeline?: { removePolicy(policy: { name: string }): unknown } } } | undefined
    >(this.adapter.ConnectorClientKey);
    const pipeline = connector?.client?.pipeline;
    if (pipeline) {
      pipeline.removePolicy({ name: 'defaultRetryPolicy' });
    } else if (!this.warnedRetryPolicy) {
      this.warnedRetryPolicy = true;
      this.logger.warn({}, 'connector pipeline not found; the SDK will also retry failed calls');
    }
  }

  private async toMessengerError(
    err: unknown,
    scope: RateScope,
    signal: AbortSignal | undefined,
  ): Promise<MessengerError> {
    if (err instanceof MessengerError) return err;
    if (signal?.aborted) {
      return new MessengerError('stopped before the call', {
        status: 0,
        code: 'Aborted',
        cause: err,
      });
    }
    const failure = err as {
      statusCode?: unknown;
      code?: unknown;
      message?: unknown;
      response?: { headers?: unknown };
    };
    const status = typeof failure.statusCode === 'number' ? failure.statusCode : 0;
    const code = typeof failure.code === 'string' ? failure.code : undefined;
    const retryAfterMs = parseRetryAfterMs(
      header(failure.response?.headers, 'retry-after'),
      this.now(),
    );
    const retryAfterSeconds = retryAfterMs === undefined ? undefined : retryAfterMs / 1000;
    if (status === 429 && retryAfterSeconds !== undefined) {
      await this.gate.block(scope.conversationKey, retryAfterSeconds * 1000);
    }
    const message = typeof failure.message === 'string' ? failure.message : String(err);
    return new MessengerError(
      `Bot Connector call failed (${status || 'no response'}): ${message}`,
      {
        status,
        retryAfterSeconds,
        code: code ?? (status === 0 ? 'NetworkError' : undefined),
        cause: err,
      },
    );
  }
}

function rateScope(target: DeliveryTarget): RateScope {
  return { tenantId: target.tenantId, conversationKey: deliveryTargetKey(target) };
}

function notInstalled(target: DeliveryTarget): MessengerError {
  return new MessengerError(
    target.kind === 'personal'
      ? 'No conversation with this user is known: the app is not installed for them.'
      : 'This conversation is not known: the app is not installed there (or was removed).',
    { status: 403, code: 'NotInstalled' },
  );
}

function withConversation(
  reference: StoredReference,
  conversationId: string,
): Partial<ConversationReference> {
  return {
    ...(reference as unknown as Partial<ConversationReference>),
    conversation: {
      ...reference.conversation,
      id: conversationId,
    } as ConversationReference['conversation'],
  };
}

function toActivity(activity: OutgoingActivity): Partial<Activity> {
  return {
    type: 'message',
    text: activity.text,
    summary: activity.summary,
    attachments: activity.attachments,
  };
}

/**
 * Runs `work` in the proactive turn `start` opens and gives back its result or its error. A
 * failure must not reach botbuilder's turn handling: with the adapter's onTurnError set,
 * runMiddleware hands the error to it and returns normally, so the status and Retry-After of a
 * failed call were lost (the engine saw "the turn did not run"), and the app's handler answered
 * the failure by posting "Sorry, something went wrong" into the very chat the call was for.
 */
async function inTurn<T>(
  start: (logic: (context: TurnContext) => Promise<void>) => Promise<void>,
  work: (context: TurnContext) => Promise<T>,
): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await start(async (context) => {
    try {
      outcome = { ok: true, value: await work(context) };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  // The logic runs inside the awaited adapter call; no outcome means it never ran.
  if (!outcome) throw new MessengerError('the turn did not run', { status: 0, code: 'NoTurn' });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
