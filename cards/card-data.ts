// Which data each template binds to. Every field a template references must be present: the
// renderer refuses to leave `${...}` in a card, so optional parts are arrays that may be empty (an
// element whose `$data` is an empty array is dropped), never missing fields. Each card's data type
// and the function that builds it from domain objects live beside its template: cards/<name>.ts.
import type { AwaitingQueueCardData } from './awaiting-queue.ts';
import type { CardName } from './card-names.ts';
import type { ChatHeaderCardData } from './chat-header.ts';
import type { HelpCardData } from './help.ts';
import type { IncidentNotificationCardData } from './incident-notification.ts';
import type { InvestigationSummaryCardData } from './investigation-summary.ts';
import type { MessageCardData } from './message.ts';
import type { ReportCardData } from './report.ts';
import type { ResponseActionsCardData } from './response-actions.ts';
import type { SocIncidentStepCardData } from './soc-incident-step.ts';
import type { SocIncidentCardData } from './soc-incident.ts';
import type { StillContainedCardData } from './still-contained.ts';
import type { WelcomeCardData } from './welcome.ts';

interface CardDataByName {
  'awaiting-queue': AwaitingQueueCardData;
  'chat-header': ChatHeaderCardData;
  help: HelpCardData;
  'incident-notification': IncidentNotificationCardData;
  'investigation-summary': InvestigationSummaryCardData;
  message: MessageCardData;
  report: ReportCardData;
  'response-actions': ResponseActionsCardData;
  'soc-incident': SocIncidentCardData;
  'soc-incident-step': SocIncidentStepCardData;
  'still-contained': StillContainedCardData;
  welcome: WelcomeCardData;
}

/**
 * Maps each card name to the data its template binds to. Indexing by CardName makes the compiler
 * reject a name in cardNames that has no entry in CardDataByName (add one with each new template).
 */
export type CardData = { [N in CardName]: CardDataByName[N] };
