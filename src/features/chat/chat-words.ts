// What the relay says to people. Refusals explain what happened and what to do instead, and never
// name another organisation or confirm that someone else's incident exists.
import type { RecordedFailure } from '../../delivery/delivery-schemas.ts';
import type { PreparedText } from './chat-text.ts';

export const words = {
  unknownTenant:
    "Your organisation isn't onboarded to the managed response service, so I can't pass messages to the experts. This attempt was recorded.",
  notYourIncident: (incidentId: string, organizationName: string) =>
    `Incident ${incidentId} isn't one of ${organizationName}'s incidents, so I can't open a conversation about it. This attempt was recorded.`,
  bindingMismatch:
    'This conversation is linked to an incident of another organisation, so I did not relay your message. This attempt was recorded.',
  invalidIncidentId: (text: string) =>
    `"${text}" isn't an incident number. Type **chat** followed by the incident number, e.g. **chat 2972403**.`,
  pickIncident: (said?: string) =>
    `${said ? `I didn't understand "${said.length > 60 ? `${said.slice(0, 59)}…` : said}" on its own. ` : ''}Which incident is this about? To write to the experts, select **Chat with experts** on an incident card, or type **chat** followed by the incident number (e.g. **chat 2972403**), then your message. Type **help** to see what else I can do.`,
  channelHint:
    "To write to the experts from a channel, reply in the incident's thread (under its card) and mention me, or select **Chat with experts** on the card.",
  expertsElsewhere:
    "Customer conversations happen in the incidents' threads of the Customer conversations channel: reply there (and mention me) to answer a customer.",
  unboundThread:
    "This thread isn't linked to a customer incident, so I can't relay your reply. Reply in the thread that starts with the incident's header card. This attempt was recorded.",
  noCustomerConversation:
    'No customer conversation is linked to this incident any more, so there is nobody to relay your reply to.',
  bound: (expertsName: string, incidentId: string, title: string, inChannel: boolean) =>
    inChannel
      ? `You're now talking with the ${expertsName} about incident ${incidentId}: ${title}. Reply in this thread and mention me to write to them; their replies come here. Type **history** for the conversation so far.`
      : `You're now talking with the ${expertsName} about incident ${incidentId}: ${title}. Type your message here; their replies come to this chat. Type **history** for the conversation so far, or **chat** followed by another incident number to switch.`,
  refusedText: (prepared: Exclude<PreparedText, { ok: true }>, toExperts: boolean) => {
    const who = toExperts ? 'the experts' : 'the customer';
    switch (prepared.code) {
      case 'attachment':
        return `I can pass only text to ${who}: files, images and cards can't be relayed${prepared.names.length > 0 ? ` (not sent: ${prepared.names.join(', ')})` : ''}. Describe it in text instead${toExperts ? ', or share it through your usual secure channel' : ''}.`;
      case 'tooLong':
        return `Your message has ${prepared.length} characters; the limit is ${prepared.max}. Please split it into shorter messages.`;
      case 'empty':
        return `Your message was empty once formatting was removed, so nothing was sent to ${who}.`;
    }
  },
  delivered: (expertsName: string) => `✓ Delivered to the ${expertsName}.`,
  toExpertsFailed: (expertsName: string, reason: string) =>
    `⚠️ Your message could not be delivered to the ${expertsName} (${reason}). Please send it again in a moment.`,
  toExpertsParked: (expertsName: string) =>
    `Your message is waiting: the ${expertsName} can't be reached right now. It will be delivered as soon as they can be.`,
  toCustomerFailed: (sender: string, destination: string, reason: string) =>
    `⚠️ ${sender}'s reply could not be delivered to ${destination} (${reason}).`,
  toCustomerParked: (sender: string, destination: string) =>
    `⚠️ ${sender}'s reply is waiting: ${destination} can't be reached right now (the app was removed or blocked there). It will be delivered once the app is back.`,
  commentPosted: (incidentId: string) =>
    `Posted as a comment on incident ${incidentId}: the customer sees it in Microsoft Defender under Comments and history (comments are one-way).`,
  commentFailed: (incidentId: string) =>
    `The comment could not be posted to incident ${incidentId} in Microsoft Defender just now. Please try again in a moment.`,
  commentUsage: 'Type **comment** followed by the text to post on the incident.',
} as const;

/** Why Teams did not take a message, in words for the people involved. */
export function failureReason(failure: RecordedFailure | undefined): string {
  if (!failure) return 'Teams did not accept it';
  if (failure.status === 413 || failure.code === 'MessageSizeTooBig') {
    return 'Teams refused it as too large';
  }
  if (failure.status === 403) return 'the app was removed or blocked there';
  if (failure.status === 404) return 'that conversation no longer exists';
  if (failure.status === 429 || failure.status === 0 || failure.status >= 500) {
    return 'Teams kept refusing it after several attempts';
  }
  return `Teams refused it (HTTP ${failure.status})`;
}
