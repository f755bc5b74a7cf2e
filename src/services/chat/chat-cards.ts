// The chat relay's cards: the header that opens an incident's thread in the experts' channel,
// and the transcript shown by `history`.
import type { ChatHeaderCardData } from '../../../cards/chat-header.ts';
import type { MessageFact } from '../../../cards/message.ts';
import { CardRenderError, renderCard, type AdaptiveCard } from '../../../cards/render-card.ts';
import type { OutgoingActivity } from '../../delivery/delivery-job.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { isFinished } from '../../domain/response-action.ts';
import { severityBadge, statusBadge } from '../../../cards/incident-labels.ts';
import { truncate } from '../../../cards/card-text.ts';
import type { TranscriptEntry } from './chat-records.ts';

export function chatHeaderData(
  incident: Incident,
  organizationName: string,
  response: ManagedResponse | undefined,
): ChatHeaderCardData {
  const open = response ? response.actions.filter((a) => !isFinished(a)).length : 0;
  return {
    organizationName,
    tenantId: incident.tenantId,
    incidentId: incident.id,
    title: truncate(incident.title, 200),
    severity: severityBadge(incident.severity),
    status: statusBadge(incident),
    pendingActions:
      response && response.actions.length > 0
        ? [{ label: `${open} of ${response.actions.length}` }]
        : [],
    webUrl: incident.webUrl,
  };
}

export function chatHeaderActivity(data: ChatHeaderCardData): OutgoingActivity {
  return {
    summary: truncate(`${data.organizationName} · incident ${data.incidentId}: ${data.title}`, 200),
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: renderCard('chat-header', data),
      },
    ],
  };
}

/** Newest entries that fit in one card; older ones are counted in the text. */
export function transcriptCard(
  incidentId: string,
  entries: readonly TranscriptEntry[],
  maxEntries = 30,
): AdaptiveCard {
  for (let shown = Math.min(entries.length, maxEntries); ; shown = Math.floor(shown / 2)) {
    const visible = entries.slice(entries.length - shown);
    const facts: MessageFact[] = visible.map((e) => ({
      title: `${e.author} · ${formatInstant(e.at)}${e.kind === 'comment' ? ' · comment' : ''}`,
      value: truncate(e.text, 600),
    }));
    const text =
      entries.length === 0
        ? 'No messages yet. Messages between you and the experts about this incident will be listed here.'
        : shown < entries.length
          ? `The last ${shown} of ${entries.length} messages, oldest first.`
          : `${entries.length} ${entries.length === 1 ? 'message' : 'messages'}, oldest first.`;
    try {
      return renderCard('message', {
        title: `Conversation about incident ${incidentId}`,
        text,
        style: 'emphasis',
        facts,
      });
    } catch (err) {
      if (!(err instanceof CardRenderError) || shown <= 1) throw err;
    }
  }
}

function formatInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
