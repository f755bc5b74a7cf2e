// The port the delivery engine sends through. bot/proactive-messenger.ts implements it with
// botbuilder's CloudAdapter; tests implement it in memory.
import type { DeliveryTarget, OutgoingActivity } from './delivery-job.ts';

export interface MessageLocation {
  conversationId: string;
  activityId: string;
}

export interface SendOptions {
  /** Post as a reply in the thread of this message (channels). */
  replyTo?: MessageLocation;
  /** Aborted when the engine stops: give up before the request goes out, if still possible. */
  signal?: AbortSignal;
}

export interface Messenger {
  send(
    target: DeliveryTarget,
    activity: OutgoingActivity,
    options?: SendOptions,
  ): Promise<MessageLocation>;
  update(
    target: DeliveryTarget,
    conversationId: string,
    activityId: string,
    activity: OutgoingActivity,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
}

/**
 * A failed call, in Bot Connector terms. `status` is the HTTP status (0 when no response came:
 * network error, or aborted before sending). `code` is the connector's error code when it sent
 * one (e.g. ConversationBlockedByUser), or ours: 'NotInstalled' (no conversation with that party is
 * known, so the app is not installed for them), 'Aborted' (nothing was sent), 'NetworkError'.
 */
export class MessengerError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  readonly code: string | undefined;

  constructor(
    message: string,
    details: { status: number; retryAfterSeconds?: number; code?: string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'MessengerError';
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.code = details.code;
  }
}
