// The transcript of an incident's conversation (the `history` command), on the message card:
// the newest entries that fit in one card, older ones counted in the text.
import type { AdaptiveCard } from './adaptive-card.ts';
import { CardRenderError } from './card-render-error.ts';
import { truncate } from './card-text.ts';
import type { MessageFact } from './message.ts';
import { renderCard } from './render-card.ts';

/** One transcript entry as the card shows it. */
export interface TranscriptLine {
  at: string;
  kind: string;
  /** As shown: "Alex Wilber (Contoso)", "Dana (Defender Experts)". */
  author: string;
  text: string;
}

/** Newest entries that fit in one card; older ones are counted in the text. */
export function transcriptCard(
  incidentId: string,
  entries: readonly TranscriptLine[],
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
