// Where copies of an incident's managed-response cards live: one record per conversation that
// holds them (a contact's chat, a channel thread, the SOC channel's reply under its incident
// card). Every change to the response or the incident updates each copy through the delivery
// engine, by the message keys recorded here. A conversation keeps one tracked copy: viewing the
// response again there sends fresh cards under the same keys, so the newest copy is the live one.
import type { DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { Store, WriteOp } from '../../store/store.ts';

export const COPIES_COLLECTION = 'managedResponseCopies';
/**
 * The copies waiting for their SOC incident card (state 'deferred'), by the copy's key: the
 * sweep reads these instead of every copy ever made (one or more per published incident).
 */
export const DEFERRED_COPIES = 'managedResponseDeferredCopies';
/** Marks that DEFERRED_COPIES holds every deferred copy (a store written before it did not). */
export const COPY_INDEX_STATE = 'managedResponseCopyIndex';
const COPY_INDEX_FILLED = 'deferred';

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

  /** The copies waiting for their SOC card, from their index (filled once on an older store). */
  async listDeferred(): Promise<CardCopy[]> {
    await this.#indexFilled();
    const copies: CardCopy[] = [];
    for (const { key } of await this.store.list<DeferredEntry>(DEFERRED_COPIES)) {
      const copy = (await this.store.get<CardCopy>(COPIES_COLLECTION, key))?.value;
      if (copy?.state === 'deferred') copies.push(copy);
    }
    return copies;
  }

  async get(tenantId: string, incidentId: string, conversationId: string) {
    const record = await this.store.get<CardCopy>(
      COPIES_COLLECTION,
      copyKey({ tenantId, incidentId, conversationId }),
    );
    return record?.value;
  }

  /** The copy's record and its entry in the deferred index (present only while deferred). */
  putOps(copy: CardCopy): WriteOp[] {
    const key = copyKey(copy);
    const entry: DeferredEntry = { tenantId: copy.tenantId, incidentId: copy.incidentId };
    return [
      { kind: 'put', collection: COPIES_COLLECTION, key, value: copy },
      copy.state === 'deferred'
        ? { kind: 'put', collection: DEFERRED_COPIES, key, value: entry }
        : { kind: 'delete', collection: DEFERRED_COPIES, key },
    ];
  }

  #filled: Promise<void> | undefined;

  /** A store written before the index: its deferred copies are indexed once, then a marker. */
  #indexFilled(): Promise<void> {
    this.#filled ??= this.#fillIndex().catch((error: unknown) => {
      this.#filled = undefined;
      throw error;
    });
    return this.#filled;
  }

  async #fillIndex(): Promise<void> {
    if (await this.store.get(COPY_INDEX_STATE, COPY_INDEX_FILLED)) return;
    for (const { key, value } of await this.store.list<CardCopy>(COPIES_COLLECTION)) {
      if (value.state !== 'deferred') continue;
      const entry: DeferredEntry = { tenantId: value.tenantId, incidentId: value.incidentId };
      await this.store.put(DEFERRED_COPIES, key, entry);
    }
    await this.store.put(COPY_INDEX_STATE, COPY_INDEX_FILLED, { at: new Date().toISOString() });
  }
}

interface DeferredEntry {
  tenantId: string;
  incidentId: string;
}
