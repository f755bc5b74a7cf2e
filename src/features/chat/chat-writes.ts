// The relay's store writes, one incident at a time (KeyedLock) and each in ONE batch: the thread
// record (compare-and-set), the Teams activity's "seen" marker, the transcript entry, the
// tracker's pending records and the delivery jobs (delivery.enqueueOps), all keyed by the
// incident's tenant, so the batch stays in one partition (STORE_PARTITIONS=tenant). A crash therefore either
// relays a message, once (job ids come from the activity id), or leaves no trace of it; a
// redelivered activity finds its marker and is not relayed again.
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DeliveryJob, OutgoingActivity } from '../../delivery/delivery-job.ts';
import type { Incident } from '../../domain/incident.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { StoreConflictError, type WriteOp } from '../../store/store.ts';
import type { ChatAudit, NewChatAuditEntry } from './chat-audit.ts';
import type { ExpertsSide } from './chat-jobs.ts';
import { withCustomer } from './chat-people.ts';
import type { ChatThread, CustomerConversation, ThreadRoot } from './chat-records.ts';
import { incidentKey, type ChatStore } from './chat-store.ts';
import type { ChatMessage } from './chat-types.ts';
import { KeyedLock } from './keyed-lock.ts';
import { customerMessagePlan, expertReplyPlan, headerJob } from './relay-plans.ts';

const MAX_ATTEMPTS = 5;

export interface ChatWritesDeps {
  store: ChatStore;
  audit: ChatAudit;
  delivery: { enqueueOps(jobs: readonly DeliveryJob[]): WriteOp[]; wake(): void };
  experts: ExpertsSide;
  logger: Logger;
  now: Clock;
}

export type WriteResult = 'written' | 'duplicate';

export class ChatWrites {
  readonly #locks = new KeyedLock();

  constructor(private readonly deps: ChatWritesDeps) {}

  /** The conversation talks about this incident from now on, and gets its expert replies. */
  async bind(
    tenant: CustomerTenant,
    incident: Incident,
    conversation: CustomerConversation,
    audit: NewChatAuditEntry,
  ): Promise<void> {
    const { store } = this.deps;
    await this.#locked(tenant.tenantId, incident.id, async (attempt) => {
      const now = this.#now();
      const existing = await store.getThread(tenant.tenantId, incident.id);
      const thread = existing?.value ?? newThread(tenant, incident.id, now);
      const ops: WriteOp[] = [
        store.bindingOp(conversation.conversationId, {
          tenantId: tenant.tenantId,
          incidentId: incident.id,
          boundAt: now,
        }),
        this.deps.audit.entryOp(audit),
        store.threadOp(
          {
            ...thread,
            incidentTitle: thread.incidentTitle || incident.title,
            customers: withCustomer(thread.customers, conversation),
            updatedAt: now,
          },
          existing?.version ?? 0,
        ),
      ];
      return this.#tryBatch(ops, attempt);
    });
  }

  /**
   * A customer message into the incident's experts-side thread, opened with the header card the
   * first time (`header` builds it; it is only called then).
   */
  async toExperts(input: {
    message: ChatMessage;
    tenant: CustomerTenant;
    incidentId: string;
    text: string;
    origin: CustomerConversation;
    header: () => Promise<{ incident: Incident; activity: OutgoingActivity } | undefined>;
  }): Promise<WriteResult | 'incidentNotFound'> {
    const { message, tenant, incidentId, text, origin } = input;
    const { store, experts } = this.deps;
    const seenKey = seenKeyOf(message);
    return this.#locked(tenant.tenantId, incidentId, async (attempt) => {
      if (await store.seen(tenant.tenantId, seenKey)) return 'duplicate';
      const now = this.#now();
      const existing = await store.getThread(tenant.tenantId, incidentId);
      let thread: ChatThread = existing?.value ?? newThread(tenant, incidentId, now);
      const jobs: DeliveryJob[] = [];
      if (!thread.headerJobId) {
        const header = await input.header();
        if (!header) return 'incidentNotFound';
        const job = headerJob(
          { experts, tenantId: tenant.tenantId, incidentId, now },
          header.activity,
        );
        jobs.push(job);
        thread = { ...thread, incidentTitle: header.incident.title, headerJobId: job.id };
      }
      const seq = thread.messageCount + 1;
      const author = `${message.sender.userName ?? 'A customer'} (${tenant.name})`;
      const plan = customerMessagePlan({
        experts,
        tenantId: tenant.tenantId,
        incidentId,
        conversationId: message.sender.conversationId,
        activityId: message.activityId,
        author,
        text,
        now,
        senderName: message.sender.userName ?? 'A customer',
        origin,
      });
      jobs.push(...plan.jobs);
      const ops: WriteOp[] = [
        store.threadOp(
          {
            ...thread,
            customers: withCustomer(thread.customers, origin),
            messageCount: seq,
            updatedAt: now,
          },
          existing?.version ?? 0,
        ),
        store.seenOp(tenant.tenantId, seenKey, now),
        store.transcriptOp(tenant.tenantId, incidentId, {
          seq,
          at: now,
          kind: 'customer',
          author,
          text,
          activityId: message.activityId,
        }),
        ...plan.pendings.map((p) => store.pendingOp(p, 0)),
        // A reply in a SOC thread found its incident through the card: remember it.
        store.bindingOp(origin.conversationId, {
          tenantId: tenant.tenantId,
          incidentId,
          boundAt: now,
        }),
        ...this.deps.delivery.enqueueOps(jobs),
      ];
      if (!(await this.#tryBatch(ops, attempt))) return undefined;
      this.#relayed(tenant.tenantId, incidentId, seq, 'customer message relayed to the experts');
      return 'written';
    });
  }

  /** An expert's reply to every customer conversation bound to the incident. */
  async toCustomers(input: {
    message: ChatMessage;
    root: ThreadRoot;
    text: string;
    firstName: string;
  }): Promise<WriteResult | 'noCustomer'> {
    const { message, root, text, firstName } = input;
    const { store, experts } = this.deps;
    const { tenantId, incidentId } = root;
    const seenKey = seenKeyOf(message);
    const author = `${firstName} (${experts.name})`;
    return this.#locked(tenantId, incidentId, async (attempt) => {
      if (await store.seen(tenantId, seenKey)) return 'duplicate';
      const existing = await store.getThread(tenantId, incidentId);
      if (!existing || existing.value.customers.length === 0) return 'noCustomer';
      const now = this.#now();
      const thread = existing.value;
      const seq = thread.messageCount + 1;
      const { jobs, pendings } = expertReplyPlan({
        experts,
        tenantId,
        incidentId,
        conversationId: message.sender.conversationId,
        activityId: message.activityId,
        author,
        text,
        now,
        firstName,
        customers: thread.customers,
      });
      const ops: WriteOp[] = [
        store.threadOp({ ...thread, messageCount: seq, updatedAt: now }, existing.version),
        store.seenOp(tenantId, seenKey, now),
        store.transcriptOp(tenantId, incidentId, {
          seq,
          at: now,
          kind: 'expert',
          author,
          text,
          activityId: message.activityId,
        }),
        ...pendings.map((p) => store.pendingOp(p, 0)),
        ...this.deps.delivery.enqueueOps(jobs),
      ];
      if (!(await this.#tryBatch(ops, attempt))) return undefined;
      this.#relayed(tenantId, incidentId, seq, 'expert reply relayed to the customer');
      return 'written';
    });
  }

  /**
   * An expert comment: marked seen first (a Graph comment POST is not idempotent, so a
   * redelivery must not post it twice), posted, then kept in the transcript. A failed post
   * clears the mark so that the expert can try again.
   */
  async comment(input: {
    message: ChatMessage;
    root: ThreadRoot;
    author: string;
    text: string;
    post: () => Promise<void>;
    audit: NewChatAuditEntry;
  }): Promise<WriteResult | 'failed'> {
    const { message, root, author, text } = input;
    const { store } = this.deps;
    const seenKey = `comment|${seenKeyOf(message)}`;
    return this.#locks.run(incidentKey(root.tenantId, root.incidentId), async () => {
      if (await store.seen(root.tenantId, seenKey)) return 'duplicate';
      await store.batch([store.seenOp(root.tenantId, seenKey, this.#now())]);
      try {
        await input.post();
      } catch (err) {
        await store.batch([store.deleteSeenOp(root.tenantId, seenKey)]);
        this.deps.logger.warn({ err, ...root }, 'posting an expert comment failed');
        return 'failed';
      }
      for (let attempt = 1; ; attempt++) {
        const existing = await store.getThread(root.tenantId, root.incidentId);
        if (!existing) break;
        const now = this.#now();
        const seq = existing.value.messageCount + 1;
        const ops = [
          store.threadOp(
            { ...existing.value, messageCount: seq, updatedAt: now },
            existing.version,
          ),
          store.transcriptOp(root.tenantId, root.incidentId, {
            seq,
            at: now,
            kind: 'comment',
            author,
            text,
            activityId: message.activityId,
          }),
          this.deps.audit.entryOp(input.audit),
        ];
        if (await this.#tryBatch(ops, attempt)) break;
      }
      return 'written';
    });
  }

  /** Runs `step` under the incident's lock until it returns a result (undefined = try again). */
  async #locked<T>(
    tenantId: string,
    incidentId: string,
    step: (attempt: number) => Promise<T | undefined | false>,
  ): Promise<T> {
    return this.#locks.run(incidentKey(tenantId, incidentId), async () => {
      for (let attempt = 1; ; attempt++) {
        const result = await step(attempt);
        if (result !== undefined && result !== false) return result;
      }
    });
  }

  /** True once written; false to try again (a concurrent write won); throws past the limit. */
  async #tryBatch(ops: WriteOp[], attempt: number): Promise<boolean> {
    try {
      await this.deps.store.batch(ops);
      return true;
    } catch (err) {
      if (err instanceof StoreConflictError && attempt < MAX_ATTEMPTS) return false;
      throw err;
    }
  }

  #relayed(tenantId: string, incidentId: string, seq: number, what: string): void {
    this.deps.delivery.wake();
    this.deps.logger.info({ tenantId, incidentId, seq }, what);
  }

  #now(): string {
    return this.deps.now().toISOString();
  }
}

function seenKeyOf(message: ChatMessage): string {
  return `message|${message.sender.conversationId}|${message.activityId}`;
}

/** A thread record before any message: its experts-side thread opens with the first one. */
function newThread(tenant: CustomerTenant, incidentId: string, now: string): ChatThread {
  return {
    tenantId: tenant.tenantId,
    incidentId,
    organizationName: tenant.name,
    incidentTitle: '',
    customers: [],
    messageCount: 0,
    createdAt: now,
    updatedAt: now,
  };
}
