// What one relayed message turns into: its delivery job(s) and the tracker's pending record(s).
// Pure: the relay writes them in one store batch with the transcript entry and the thread.
import type { DeliveryJob, OutgoingActivity } from '../../delivery/delivery-job.ts';
import {
  customerOrderingKey,
  customerTarget,
  expertsOrderingKey,
  expertsTarget,
  relayMessageKey,
  shortHash,
  textJob,
  threadMessageKey,
  type ExpertsSide,
} from './chat-jobs.ts';
import type { CustomerConversation, PendingRelay } from './chat-records.ts';
import { incidentKey } from './chat-store.ts';

export interface RelayPlan {
  jobs: DeliveryJob[];
  pendings: PendingRelay[];
}

interface Common {
  experts: ExpertsSide;
  tenantId: string;
  incidentId: string;
  /** The conversation and Teams activity the message came in: job ids derive from them. */
  conversationId: string;
  activityId: string;
  /** As shown to the other side: "Alex Wilber (Contoso)", "Dana (Defender Experts)". */
  author: string;
  text: string;
  now: string;
}

/** The header card that opens the incident's thread in the experts' channel. */
export function headerJob(
  input: Pick<Common, 'experts' | 'tenantId' | 'incidentId' | 'now'>,
  activity: OutgoingActivity,
): DeliveryJob {
  return {
    id: `chat:${incidentKey(input.tenantId, input.incidentId)}:header`,
    orderingKey: expertsOrderingKey(input.tenantId, input.incidentId),
    target: expertsTarget(input.experts),
    operation: { kind: 'send', activity },
    messageKey: threadMessageKey(input.tenantId, input.incidentId),
    createdAt: input.now,
  };
}

/** A customer message, as a reply in the incident's experts-side thread. */
export function customerMessagePlan(
  input: Common & { senderName: string; origin: CustomerConversation },
): RelayPlan {
  const { tenantId, incidentId, now } = input;
  const id = `chat:${incidentKey(tenantId, incidentId)}:in:${shortHash(input.conversationId)}:${input.activityId}`;
  return {
    jobs: [
      textJob({
        id,
        orderingKey: expertsOrderingKey(tenantId, incidentId),
        target: expertsTarget(input.experts),
        replyToMessageKey: threadMessageKey(tenantId, incidentId),
        messageKey: relayMessageKey(id),
        text: `**${input.author}:** ${input.text}`,
        createdAt: now,
      }),
    ],
    pendings: [
      {
        jobId: id,
        messageKey: relayMessageKey(id),
        direction: 'toExperts',
        tenantId,
        incidentId,
        senderName: input.senderName,
        destinationLabel: `the ${input.experts.name}`,
        origin: input.origin,
        parkedNoticeSent: false,
        createdAt: now,
      },
    ],
  };
}

/** An expert's reply, to every customer conversation bound to the incident. */
export function expertReplyPlan(
  input: Common & { firstName: string; customers: readonly CustomerConversation[] },
): RelayPlan {
  const { tenantId, incidentId, now } = input;
  const plan: RelayPlan = { jobs: [], pendings: [] };
  for (const customer of input.customers) {
    const id = `chat:${incidentKey(tenantId, incidentId)}:out:${shortHash(input.conversationId)}:${input.activityId}:${shortHash(customer.conversationId)}`;
    plan.jobs.push(
      textJob({
        id,
        orderingKey: customerOrderingKey(tenantId, incidentId, customer.conversationId),
        target: customerTarget(tenantId, customer),
        messageKey: relayMessageKey(id),
        // A personal chat may have talked about several incidents: say which one.
        text:
          customer.kind === 'personal'
            ? `**${input.author}, incident ${incidentId}:** ${input.text}`
            : `**${input.author}:** ${input.text}`,
        createdAt: now,
      }),
    );
    plan.pendings.push({
      jobId: id,
      messageKey: relayMessageKey(id),
      direction: 'toCustomer',
      tenantId,
      incidentId,
      senderName: input.firstName,
      destinationLabel: customer.label,
      parkedNoticeSent: false,
      createdAt: now,
    });
  }
  return plan;
}
