// What the delivery engine is asked to do, and what it records once done. Shared contract: the
// notification services build jobs, the engine delivers them, the bot reads the records back.

export interface OutgoingActivity {
  text?: string;
  summary?: string;
  attachments?: { contentType: string; content: unknown }[];
  /**
   * What the message shows, by reference (card kind + ids): rendered from the current state
   * when the job is sent or edited (DeliveryEngineOptions.render), so a parked or retried job
   * never shows old state. Jobs stored before views existed carry only the rendered activity.
   */
  view?: CardView;
}

/** A card kind and the ids it is rendered from, e.g. { kind: 'socIncident', tenantId, incidentId }. */
export interface CardView {
  kind: string;
  [id: string]: string;
}

export type DeliveryTarget =
  | { kind: 'personal'; tenantId: string; userId: string /* Entra object id */ }
  | {
      kind: 'conversation';
      tenantId: string;
      conversationId: string /* channel id, group chat id, or existing chat */;
    }
  /** The user's mailbox (email fallback): sent through Graph, not Teams. */
  | { kind: 'email'; tenantId: string; userId: string /* Entra object id */ };

export type DeliveryOperation =
  | {
      kind: 'send';
      activity: OutgoingActivity;
      /** Post as a threaded reply under that earlier message (channel). */
      replyToMessageKey?: string;
    }
  | {
      kind: 'update';
      messageKey: string;
      /** Edit the message recorded under messageKey; if none was recorded yet, send it and record it. */
      activity: OutgoingActivity;
    };

export interface DeliveryJob {
  /** Idempotency key: enqueuing the same id twice is a no-op; delivered ids are never sent again. */
  id: string;
  /** Jobs with the same key are delivered strictly in enqueue order (e.g. tenant:incident:recipient). */
  orderingKey: string;
  target: DeliveryTarget;
  operation: DeliveryOperation;
  /** For 'send': record the resulting {conversationId, activityId} under this key. */
  messageKey?: string;
  createdAt: string;
  /** ISO instant before which the job is not tried (e.g. the email fallback's wait). */
  notBefore?: string;
}

export interface DeliveryRecord {
  jobId: string;
  target: DeliveryTarget;
  conversationId: string;
  activityId: string;
  deliveredAt: string;
  attempts: number;
  /** Nothing was sent: the view said there was nothing to send any more (e.g. reached in Teams). */
  skipped?: string;
}

/** One key per reachable party: a user's 1:1 chat, or a conversation (channel, group chat). */
export function deliveryTargetKey(target: DeliveryTarget): string {
  if (target.kind === 'conversation') {
    return `conversation:${target.tenantId.toLowerCase()}:${baseConversationId(target.conversationId)}`;
  }
  return `${target.kind}:${target.tenantId.toLowerCase()}:${target.userId.toLowerCase()}`;
}

/** A channel thread "<channel>;messageid=<root>" belongs to its channel. */
export function baseConversationId(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at === -1 ? conversationId : conversationId.slice(0, at);
}
