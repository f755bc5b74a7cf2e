// The chat relay's contract with the turns features get (src/app/feature.ts; see chat-turn.ts):
// who wrote what where, and what to answer. Nothing here depends on botbuilder.
import type { AdaptiveCard } from '../../../cards/render-card.ts';
import type { ConversationKind } from '../../shared/conversation-registry.ts';
import type { IncomingAttachment } from './chat-text.ts';

export interface ChatSender {
  /** The tenant Teams reports for the conversation (channelData.tenant.id). */
  tenantId: string;
  /** Entra object id. */
  userId?: string;
  userName?: string;
  /** Full conversation id; a channel thread keeps its ";messageid=<root>". */
  conversationId: string;
  kind: ConversationKind;
  /** The channel of a channel conversation (channelData.channel.id). */
  channelId?: string;
}

export interface ChatMessage {
  sender: ChatSender;
  /** The Teams activity id: a redelivery of the same activity is relayed once. */
  activityId: string;
  /** The message text as Teams sent it (mentions and HTML formatting included). */
  text: string;
  attachments: readonly IncomingAttachment[];
}

/** Why a message or request was refused (audited with this code). */
export type ChatRefusalCode =
  | 'unknownTenant'
  | 'notYourIncident'
  | 'bindingTenantMismatch'
  | 'unboundThread'
  | 'noCustomerConversation'
  | 'attachment'
  | 'tooLong'
  | 'invalidIncidentId';

export type ChatOutcome =
  /** On its way; the sender hears back once it is delivered (customers) or if it fails. */
  | { kind: 'relayed'; tenantId: string; incidentId: string }
  /** Teams delivered the same activity again: already handled, nothing to say. */
  | { kind: 'duplicate' }
  /** Something to tell the sender now: a refusal, a hint, a confirmation or a transcript. */
  | { kind: 'reply'; text: string; card?: AdaptiveCard; refused?: ChatRefusalCode };
