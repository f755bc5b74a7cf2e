// A card as the activity the delivery engine sends: the card as its one attachment, and the short
// summary Teams shows in notifications and the chat list.
import { truncate } from '../../cards/card-text.ts';
import type { OutgoingActivity } from '../delivery/delivery-job.ts';

export function cardActivity(card: object, summary: string): OutgoingActivity {
  return {
    summary: truncate(summary, 200),
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}
