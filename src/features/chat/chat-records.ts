// What the chat relay keeps in the Store, parsed with zod when read back (a record written by an
// older version, or edited by hand, is reported rather than trusted).
import { z } from 'zod';

/** A customer conversation that takes part in an incident's chat: expert replies go there. */
export const customerConversationSchema = z.object({
  /** Full conversation id; a channel thread keeps its ";messageid=<root>". */
  conversationId: z.string().min(1),
  kind: z.enum(['personal', 'groupChat', 'channel']),
  /** Entra object id of the user (personal chats: the delivery target). */
  userId: z.string().optional(),
  /** How notices name it, e.g. "Alex Wilber's chat", "the SOC channel thread". */
  label: z.string(),
  joinedAt: z.string(),
});
export type CustomerConversation = z.infer<typeof customerConversationSchema>;

/** One incident's conversation: its experts-side thread and the customer conversations bound. */
export const chatThreadSchema = z.object({
  tenantId: z.string().min(1),
  incidentId: z.string().min(1),
  organizationName: z.string(),
  incidentTitle: z.string(),
  /** Set once the header card job is enqueued (it then opens the experts' thread). */
  headerJobId: z.string().optional(),
  customers: z.array(customerConversationSchema),
  /** Messages relayed so far (both ways); numbers the transcript. */
  messageCount: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChatThread = z.infer<typeof chatThreadSchema>;

/** The incident a customer conversation currently talks about (personal chat: the last picked). */
export const chatBindingSchema = z.object({
  tenantId: z.string().min(1),
  incidentId: z.string().min(1),
  boundAt: z.string(),
});
export type ChatBinding = z.infer<typeof chatBindingSchema>;

export const transcriptKinds = ['customer', 'expert', 'comment'] as const;
export type TranscriptKind = (typeof transcriptKinds)[number];

export const transcriptEntrySchema = z.object({
  seq: z.number().int().min(1),
  at: z.string(),
  kind: z.enum(transcriptKinds),
  /** As shown: "Alex Wilber (Contoso)", "Dana (Defender Experts)". */
  author: z.string(),
  text: z.string(),
  /** The Teams activity the message came in (idempotency key). */
  activityId: z.string(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

/** A relayed message still on its way: the tracker confirms it or reports its failure. */
export const pendingRelaySchema = z.object({
  jobId: z.string().min(1),
  /** The messageKey of the relay job: present in the engine once delivered. */
  messageKey: z.string().min(1),
  direction: z.enum(['toExperts', 'toCustomer']),
  tenantId: z.string().min(1),
  incidentId: z.string().min(1),
  /** Who sent it (for the notices): "Alex Wilber", "Dana". */
  senderName: z.string(),
  /** Where it goes (toCustomer): the conversation's label. */
  destinationLabel: z.string(),
  /** Where the sender reads (toExperts: the customer conversation the message came from). */
  origin: customerConversationSchema.optional(),
  parkedNoticeSent: z.boolean(),
  createdAt: z.string(),
});
export type PendingRelay = z.infer<typeof pendingRelaySchema>;

/** Where an experts-side thread root leads: found once, then kept. */
export const threadRootSchema = z.object({
  tenantId: z.string().min(1),
  incidentId: z.string().min(1),
});
export type ThreadRoot = z.infer<typeof threadRootSchema>;
