// Renders the two managed-response cards within the Teams size budget: when a card comes out
// too large (CARD_TOO_LARGE), the texts are shortened step by step and the card rendered again.
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import { CardRenderError } from '../../../cards/card-render-error.ts';
import { renderCard } from '../../../cards/render-card.ts';
import type { OutgoingActivity } from '../../delivery/delivery-job.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { truncate } from '../../../cards/card-text.ts';
import { actionsCardData, defaultTextLimits, type ActionsCardInput } from './actions-card-data.ts';
import type { TextLimits } from './actions-card-data.ts';
import { defaultSummaryLimits, summaryCardData, type SummaryLimits } from './summary-card-data.ts';

const smallest: TextLimits = { title: 80, description: 40, impact: 40 };
const actionSteps: Pick<ActionsCardInput, 'limits' | 'maxShown'>[] = [
  { limits: defaultTextLimits },
  { limits: { title: 160, description: 260, impact: 160 } },
  { limits: { title: 120, description: 120, impact: 80 } },
  { limits: smallest },
  // Still too large: fewer task cards (a banner says how many are not shown).
  ...[
    [9, 3],
    [8, 0],
    [6, 0],
    [4, 0],
  ].map(([pending = 0, completed = 0]) => ({ limits: smallest, maxShown: { pending, completed } })),
];

const summarySteps: SummaryLimits[] = [
  defaultSummaryLimits,
  { narrativeVisible: 400, narrativeTotal: 3000, rowsVisible: 4, rowsTotal: 20, rowText: 200 },
  { narrativeVisible: 300, narrativeTotal: 1200, rowsVisible: 3, rowsTotal: 10, rowText: 120 },
  { narrativeVisible: 200, narrativeTotal: 400, rowsVisible: 3, rowsTotal: 5, rowText: 80 },
];

export function renderActionsCard(input: ActionsCardInput): AdaptiveCard {
  return shrinkToFit(actionSteps, (step) =>
    renderCard('response-actions', actionsCardData({ ...input, ...step })),
  );
}

export function renderSummaryCard(
  response: ManagedResponse,
  incident: Incident | undefined,
): AdaptiveCard {
  return shrinkToFit(summarySteps, (limits) =>
    renderCard('investigation-summary', summaryCardData(response, incident, limits)),
  );
}

function shrinkToFit<L>(steps: readonly L[], render: (limits: L) => AdaptiveCard): AdaptiveCard {
  let last: unknown;
  for (const limits of steps) {
    try {
      return render(limits);
    } catch (error) {
      if (!(error instanceof CardRenderError) || error.code !== 'CARD_TOO_LARGE') throw error;
      last = error;
    }
  }
  throw last;
}

export function cardActivity(card: AdaptiveCard, summary: string): OutgoingActivity {
  return {
    summary: truncate(summary, 200),
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}
