// Chat between customers and experts, relayed by the bot. A customer message about an incident
// goes to that incident's thread in the experts' channel (opened with a header card the first
// time); an expert's reply in that thread goes to every customer conversation bound to the
// incident. Every message is bound to one incident of one customer tenant; everything else is
// refused with an explanation and audited. This class decides; ChatWrites writes (see there for
// why a message is relayed exactly once, even across a restart).
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { baseConversationId } from '../../delivery/delivery-job.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Store } from '../../store/store.ts';
import { ChatAudit } from './chat-audit.ts';
import { chatHeaderActivity } from './chat-jobs.ts';
import { chatHeaderData } from '../../../cards/chat-header.ts';
import { transcriptCard } from '../../../cards/message-transcript.ts';
import { threadMessageKey, type ExpertsSide } from './chat-jobs.ts';
import { customerConversationOf, firstName } from './chat-people.ts';
import type { ThreadRoot } from './chat-records.ts';
import { ChatStore } from './chat-store.ts';
import { prepareChatText, sanitize } from './chat-text.ts';
import type { ChatMessage, ChatOutcome, ChatRefusalCode, ChatSender } from './chat-types.ts';
import { ChatWrites } from './chat-writes.ts';
import { words } from './chat-words.ts';
import type { FindIncident } from './incident-finder.ts';
import { threadRootId, type SocThreadIncident } from './soc-thread-resolver.ts';

export interface ChatRelayDeps {
  store: Store;
  delivery: Delivery;
  experts: ExpertsSide;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  findIncident: FindIncident;
  socThreadIncident: SocThreadIncident;
  managedResponse?: (tenantId: string, incidentId: string) => Promise<ManagedResponse | undefined>;
  /** Posts a Graph comment on the customer's incident (one-way, "Comments and history"). */
  addComment: (tenantId: string, incidentId: string, comment: string) => Promise<void>;
  /** The bot's display names as they appear in <at> mentions. */
  botNames?: readonly string[];
  maxChars?: number;
  logger: Logger;
  now: Clock;
}

const INCIDENT_ID = /^[A-Za-z0-9-]{1,64}$/;
type Located = { tenant: CustomerTenant; incidentId: string };

export class ChatRelay {
  readonly store: ChatStore;
  readonly audit: ChatAudit;
  readonly #writes: ChatWrites;

  constructor(private readonly deps: ChatRelayDeps) {
    this.store = new ChatStore(deps.store, (problem) =>
      deps.logger.error(problem, 'unreadable chat record skipped; repair or remove it'),
    );
    this.audit = new ChatAudit(deps.store, deps.now);
    this.#writes = new ChatWrites({
      store: this.store,
      audit: this.audit,
      delivery: deps.delivery,
      experts: deps.experts,
      logger: deps.logger,
      now: deps.now,
    });
  }

  get experts(): ExpertsSide {
    return this.deps.experts;
  }

  /** Free text from Teams that is not a command. */
  async handleMessage(message: ChatMessage): Promise<ChatOutcome> {
    const { sender } = message;
    if (this.#isExperts(sender)) return this.#fromExpert(message);
    const tenant = this.deps.tenantOf(sender.tenantId);
    if (!tenant) return this.#refuse(sender, 'unknownTenant', words.unknownTenant);
    const located = await this.#customerIncident(sender, tenant, message.text);
    if ('kind' in located) return located;
    const { incidentId } = located;
    const prepared = prepareChatText(message.text, message.attachments, this.#textOptions());
    if (!prepared.ok) {
      return prepared.code === 'empty'
        ? { kind: 'reply', text: words.refusedText(prepared, true) }
        : this.#refuse(sender, prepared.code, words.refusedText(prepared, true), {
            incidentId,
            incidentTenantId: tenant.tenantId,
          });
    }
    const result = await this.#writes.toExperts({
      message,
      tenant,
      incidentId,
      text: prepared.text,
      origin: customerConversationOf(sender, tenant, this.deps.now().toISOString()),
      header: async () => {
        const incident = await this.deps.findIncident(tenant.tenantId, incidentId, sender);
        if (!incident) return undefined;
        const response = await this.deps.managedResponse?.(tenant.tenantId, incidentId);
        const activity = chatHeaderActivity(chatHeaderData(incident, tenant.name, response));
        return { incident, activity };
      },
    });
    if (result === 'incidentNotFound') {
      return this.#refuse(
        sender,
        'notYourIncident',
        words.notYourIncident(incidentId, tenant.name),
        {
          incidentId,
        },
      );
    }
    return result === 'duplicate'
      ? { kind: 'duplicate' }
      : { kind: 'relayed', tenantId: tenant.tenantId, incidentId };
  }

  /** "Chat with experts" on an incident card, or `chat <incident>`: binds this conversation. */
  async bind(sender: ChatSender, rawIncidentId: string): Promise<ChatOutcome> {
    if (this.#isExperts(sender)) return { kind: 'reply', text: words.expertsElsewhere };
    const tenant = this.deps.tenantOf(sender.tenantId);
    if (!tenant) {
      return this.#refuse(sender, 'unknownTenant', words.unknownTenant, {
        incidentId: rawIncidentId,
      });
    }
    const owned = await this.#ownedIncident(sender, tenant, rawIncidentId);
    if ('kind' in owned) return owned;
    const { incident } = owned;
    await this.#writes.bind(
      tenant,
      incident,
      customerConversationOf(sender, tenant, this.deps.now().toISOString()),
      {
        kind: 'bound',
        code: 'bound',
        ...senderFields(sender),
        incidentId: incident.id,
        incidentTenantId: tenant.tenantId,
      },
    );
    const inChannel = sender.kind === 'channel';
    return {
      kind: 'reply',
      text: words.bound(this.deps.experts.name, incident.id, incident.title, inChannel),
    };
  }

  /** `history [incident]`: the transcript of the incident this conversation is about. */
  async history(sender: ChatSender, rawIncidentId: string): Promise<ChatOutcome> {
    let located: { tenantId: string; incidentId: string };
    if (this.#isExperts(sender)) {
      if (!this.#inExpertsChannel(sender)) return { kind: 'reply', text: words.expertsElsewhere };
      const root = await this.#threadOf(sender);
      if (!root) return this.#refuse(sender, 'unboundThread', words.unboundThread);
      located = root;
    } else {
      const tenant = this.deps.tenantOf(sender.tenantId);
      if (!tenant) return this.#refuse(sender, 'unknownTenant', words.unknownTenant);
      if (rawIncidentId) {
        const owned = await this.#ownedIncident(sender, tenant, rawIncidentId);
        if ('kind' in owned) return owned;
        located = { tenantId: tenant.tenantId, incidentId: owned.incident.id };
      } else {
        const found = await this.#customerIncident(sender, tenant);
        if ('kind' in found) return found;
        located = { tenantId: tenant.tenantId, incidentId: found.incidentId };
      }
    }
    const entries = await this.store.transcript(located.tenantId, located.incidentId);
    return {
      kind: 'reply',
      text: `Conversation about incident ${located.incidentId}`,
      card: transcriptCard(located.incidentId, entries),
    };
  }

  /** `comment <text>` in the experts' thread: a one-way Graph comment on the incident. */
  async comment(message: ChatMessage): Promise<ChatOutcome> {
    const { sender } = message;
    if (!this.#isExperts(sender) || !this.#inExpertsChannel(sender)) {
      return { kind: 'reply', text: words.expertsElsewhere };
    }
    const root = await this.#threadOf(sender);
    if (!root) return this.#refuse(sender, 'unboundThread', words.unboundThread);
    const prepared = prepareChatText(message.text, message.attachments, this.#textOptions());
    if (!prepared.ok) {
      return prepared.code === 'empty'
        ? { kind: 'reply', text: words.commentUsage }
        : this.#refuse(sender, prepared.code, words.refusedText(prepared, false), root);
    }
    const author = `${firstName(sender.userName)} (${this.deps.experts.name})`;
    const text = toPlainText(prepared.text);
    const result = await this.#writes.comment({
      message,
      root,
      author,
      text,
      post: () => this.deps.addComment(root.tenantId, root.incidentId, `${author}: ${text}`),
      audit: {
        kind: 'comment',
        code: 'comment',
        ...senderFields(sender),
        incidentId: root.incidentId,
        incidentTenantId: root.tenantId,
      },
    });
    if (result === 'duplicate') return { kind: 'duplicate' };
    return {
      kind: 'reply',
      text:
        result === 'failed'
          ? words.commentFailed(root.incidentId)
          : words.commentPosted(root.incidentId),
    };
  }

  // ── customers → experts ──────────────────────────────────────────────────────────────────────

  async #customerIncident(
    sender: ChatSender,
    tenant: CustomerTenant,
    said?: string,
  ): Promise<Located | ChatOutcome> {
    const binding = await this.store.getBinding(tenant.tenantId, sender.conversationId);
    if (binding) {
      if (binding.tenantId.toLowerCase() !== tenant.tenantId.toLowerCase()) {
        return this.#refuse(sender, 'bindingTenantMismatch', words.bindingMismatch, {
          incidentId: binding.incidentId,
          incidentTenantId: binding.tenantId,
        });
      }
      return { tenant, incidentId: binding.incidentId };
    }
    if (sender.kind === 'channel') {
      const incidentId = await this.deps.socThreadIncident(tenant, sender.conversationId);
      return incidentId ? { tenant, incidentId } : { kind: 'reply', text: words.channelHint };
    }
    return { kind: 'reply', text: words.pickIncident(said && toPlainText(said)) };
  }

  // ── experts → customers ──────────────────────────────────────────────────────────────────────

  async #fromExpert(message: ChatMessage): Promise<ChatOutcome> {
    const { sender } = message;
    if (!this.#inExpertsChannel(sender)) return { kind: 'reply', text: words.expertsElsewhere };
    const root = await this.#threadOf(sender);
    if (!root) return this.#refuse(sender, 'unboundThread', words.unboundThread);
    const prepared = prepareChatText(message.text, message.attachments, this.#textOptions());
    if (!prepared.ok) {
      return prepared.code === 'empty'
        ? { kind: 'reply', text: words.refusedText(prepared, false) }
        : this.#refuse(sender, prepared.code, words.refusedText(prepared, false), {
            incidentId: root.incidentId,
            incidentTenantId: root.tenantId,
          });
    }
    const result = await this.#writes.toCustomers({
      message,
      root,
      text: prepared.text,
      firstName: firstName(sender.userName),
    });
    if (result === 'noCustomer') {
      return {
        kind: 'reply',
        text: words.noCustomerConversation,
        refused: 'noCustomerConversation',
      };
    }
    return result === 'duplicate' ? { kind: 'duplicate' } : { kind: 'relayed', ...root };
  }

  /** The incident whose experts-side thread this message is in (root id → incident, cached). */
  async #threadOf(sender: ChatSender): Promise<ThreadRoot | undefined> {
    const rootId = threadRootId(sender.conversationId);
    if (!rootId) return undefined;
    const channelId = this.deps.experts.channelId;
    const known = await this.store.getRoot(channelId, rootId);
    if (known) return known;
    // Not seen yet: the header's delivery record says which thread root each incident got.
    for (const thread of await this.store.listThreads()) {
      const header = await this.deps.delivery.findDelivery(
        threadMessageKey(thread.tenantId, thread.incidentId),
      );
      if (header?.activityId === rootId) {
        const root = { tenantId: thread.tenantId, incidentId: thread.incidentId };
        await this.store.putRoot(channelId, rootId, root);
        return root;
      }
    }
    return undefined;
  }

  // ── shared ───────────────────────────────────────────────────────────────────────────────────

  async #ownedIncident(
    sender: ChatSender,
    tenant: CustomerTenant,
    rawIncidentId: string,
  ): Promise<{ incident: NonNullable<Awaited<ReturnType<FindIncident>>> } | ChatOutcome> {
    const incidentId = rawIncidentId.trim();
    if (!INCIDENT_ID.test(incidentId)) {
      return {
        kind: 'reply',
        text: words.invalidIncidentId(incidentId.slice(0, 40)),
        refused: 'invalidIncidentId',
      };
    }
    const incident = await this.deps.findIncident(tenant.tenantId, incidentId, sender);
    if (!incident) {
      return this.#refuse(
        sender,
        'notYourIncident',
        words.notYourIncident(incidentId, tenant.name),
        {
          incidentId,
        },
      );
    }
    return { incident };
  }

  #isExperts(sender: ChatSender): boolean {
    return sender.tenantId.toLowerCase() === this.deps.experts.tenantId.toLowerCase();
  }

  #inExpertsChannel(sender: ChatSender): boolean {
    const channel = this.deps.experts.channelId.toLowerCase();
    return (
      sender.kind === 'channel' &&
      (baseConversationId(sender.conversationId).toLowerCase() === channel ||
        sender.channelId?.toLowerCase() === channel)
    );
  }

  async #refuse(
    sender: ChatSender,
    code: ChatRefusalCode,
    text: string,
    about: { incidentId?: string; incidentTenantId?: string; tenantId?: string } = {},
  ): Promise<ChatOutcome> {
    const { incidentId, incidentTenantId = about.tenantId } = about;
    this.deps.logger.warn(
      {
        code,
        tenantId: sender.tenantId,
        userId: sender.userId,
        conversationId: sender.conversationId,
        incidentId,
      },
      'chat message refused',
    );
    await this.audit.append({
      kind: 'refused',
      code,
      ...senderFields(sender),
      incidentId,
      incidentTenantId,
    });
    return { kind: 'reply', text, refused: code };
  }

  #textOptions(): { botNames?: readonly string[]; maxChars?: number } {
    return {
      ...(this.deps.botNames ? { botNames: this.deps.botNames } : {}),
      ...(this.deps.maxChars ? { maxChars: this.deps.maxChars } : {}),
    };
  }
}

function senderFields(sender: ChatSender) {
  return {
    tenantId: sender.tenantId,
    userId: sender.userId,
    userName: sender.userName,
    conversationId: sender.conversationId,
  };
}

/** Graph comments are plain text: formatting tags go, line breaks stay. */
function toPlainText(html: string): string {
  return sanitize(html)
    .replace(/<br>|<\/(p|div|li|h[1-3])>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
