import { cardNames } from './card-names.ts';
import type { CardName } from './card-names.ts';
import { findExecuteActions } from './find-execute-actions.ts';
import type { ExecuteActionSite } from './find-execute-actions.ts';
import { loadCardTemplate } from './load-card-template.ts';

export interface TemplateExecuteAction extends ExecuteActionSite {
  cardName: CardName;
}

/** Every Action.Execute in every template: what the verb contract tests compare to handlers. */
export function templateExecuteActions(): TemplateExecuteAction[] {
  return cardNames.flatMap((cardName) =>
    findExecuteActions(loadCardTemplate(cardName)).map((site) => ({ ...site, cardName })),
  );
}
