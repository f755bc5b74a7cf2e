// An in-memory Messenger for engine tests: records every call (with the clock's time), answers
// with stable locations, and fails on demand.
import {
  deliveryTargetKey,
  type DeliveryTarget,
  type OutgoingActivity,
} from '../../src/delivery/delivery-job.ts';
import {
  MessengerError,
  type MessageLocation,
  type Messenger,
  type SendOptions,
} from '../../src/delivery/messenger.ts';

export interface MessengerCall {
  kind: 'send' | 'update';
  target: DeliveryTarget;
  text: string | undefined;
  at: number;
  replyTo?: MessageLocation;
  location?: MessageLocation;
  error?: MessengerError;
}

interface PlannedFailure {
  targetKey?: string;
  error: () => Error;
  remaining: number;
}

export class FakeMessenger implements Messenger {
  readonly calls: MessengerCall[] = [];
  readonly #failures: PlannedFailure[] = [];
  #nextId = 1;
  /** Called before each answer; a test can hold a call here. */
  gate: (call: MessengerCall, signal: AbortSignal | undefined) => Promise<void> = () =>
    Promise.resolve();

  constructor(private readonly now: () => number = Date.now) {}

  /** The next `count` calls (for that target, if given) fail with this error. */
  fail(
    error: { status: number; retryAfterSeconds?: number; code?: string } | (() => Error),
    options: { target?: DeliveryTarget; count?: number } = {},
  ): void {
    const make =
      typeof error === 'function'
        ? error
        : () => new MessengerError(`fake ${error.status}`, { ...error });
    this.#failures.push({
      targetKey: options.target && deliveryTargetKey(options.target),
      error: make,
      remaining: options.count ?? 1,
    });
  }

  /** Successful sends (and updates) of a target, in order. */
  delivered(target: DeliveryTarget): MessengerCall[] {
    const key = deliveryTargetKey(target);
    return this.calls.filter((c) => !c.error && deliveryTargetKey(c.target) === key);
  }

  async send(
    target: DeliveryTarget,
    activity: OutgoingActivity,
    options: SendOptions = {},
  ): Promise<MessageLocation> {
    const call: MessengerCall = {
      kind: 'send',
      target,
      text: activity.text,
      at: this.now(),
      replyTo: options.replyTo,
    };
    await this.#answer(call, options.signal);
    const base =
      target.kind === 'conversation'
        ? target.conversationId
        : `${target.kind === 'email' ? 'mail' : 'chat'}:${target.userId}`;
    const conversationId = options.replyTo
      ? `${options.replyTo.conversationId};messageid=${options.replyTo.activityId}`
      : base;
    call.location = { conversationId, activityId: `m${this.#nextId++}` };
    return call.location;
  }

  async update(
    target: DeliveryTarget,
    conversationId: string,
    activityId: string,
    activity: OutgoingActivity,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const call: MessengerCall = {
      kind: 'update',
      target,
      text: activity.text,
      at: this.now(),
      location: { conversationId, activityId },
    };
    await this.#answer(call, options.signal);
  }

  async #answer(call: MessengerCall, signal: AbortSignal | undefined): Promise<void> {
    this.calls.push(call);
    await this.gate(call, signal);
    const key = deliveryTargetKey(call.target);
    const failure = this.#failures.find(
      (f) => f.remaining > 0 && (!f.targetKey || f.targetKey === key),
    );
    if (failure) {
      failure.remaining -= 1;
      const error = failure.error();
      if (error instanceof MessengerError) call.error = error;
      throw error;
    }
  }
}
