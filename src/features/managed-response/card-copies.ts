// Where copies of an incident's managed-response cards live: one record per conversation that
// holds them (a contact's chat, a channel thread, the SOC channel's reply under its incident
// card). Every change to the response or the incident updates each copy through the delivery
// engine, by the message keys recorded here. A conversation keeps one tracked copy: viewing the
// response again there sends fresh cards under the same keys, so the newest copy is the live one.
import type { DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { Store, WriteOp } from '../../store/store.ts';

export const COPIES_COLLECTION = 'managedResponseCopies';

export interface CardCopy {
  tenantId: string;
  incidentId: string;
  /** The conversation the cards were posted in (a chat, a channel, or a channel thread). */
  conversationId: string;
  target: DeliveryTarget;
  /** Personal chats: the Entra object id of the user, whose role decides the base card. */
  viewerUserId?: string;
  /** Personal chats: the user's Teams id (MRI), for refresh.userIds. */
  viewerMri?: string;
  /** SOC copies: posted as a reply under the message recorded under this key. */
  replyToMessageKey?: string;
  /** deferred: waiting for the SOC incident card to exist (see sendDeferred). */
  state: 'sent' | 'deferred';
  createdAt: string;
}

export function summaryMessageKey(
  copy: Pick<CardCopy, 'tenantId' | 'incidentId' | 'conversationId'>,
) {
  return `mr-summary:${copy.tenantId.toLowerCase()}:${copy.incidentId}:${copy.conversationId}`;
}

export function actionsMessageKey(
  copy: Pick<CardCopy, 'tenantId' | 'incidentId' | 'conversationId'>,
) {
  return `mr-actions:${copy.tenantId.toLowerCase()}:${copy.incidentId}:${copy.conversationId}`;
}

/** Jobs of one copy share an ordering key, so an update never overtakes the send it edits. */
export function copyOrderingKey(copy: CardCopy): string {
  return (
    copy.replyToMessageKey ??
    `mr:${copy.tenantId.toLowerCase()}:${copy.incidentId}:${copy.conversationId}`
  );
}

function incidentPrefix(tenantId: string, incidentId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}:`;
}

function copyKey(copy: Pick<CardCopy, 'tenantId' | 'incidentId' | 'conversationId'>): string {
  return `${incidentPrefix(copy.tenantId, copy.incidentId)}${encodeURIComponent(copy.conversationId)}`;
}

export class CardCopies {
  constructor(private readonly store: Store) {}

  async list(tenantId: string, incidentId: string): Promise<CardCopy[]> {
    const records = await this.store.list<CardCopy>(COPIES_COLLECTION, {
      prefix: incidentPrefix(tenantId, incidentId),
    });
    return records.map((r) => r.value);
  }

  async listAll(): Promise<CardCopy[]> {
    return (await this.store.list<CardCopy>(COPIES_COLLECTION)).map((r) => r.value);
  }

  async get(tenantId: string, incidentId: string, conversationId: string) {
    const record = await this.store.get<CardCopy>(
      COPIES_COLLECTION,
      copyKey({ tenantId, incidentId, conversationId }),
    );
    return record?.value;
  }

  putOp(copy: CardCopy): WriteOp {
    return { kind: 'put', collection: COPIES_COLLECTION, key: copyKey(copy), value: copy };
  }
}
