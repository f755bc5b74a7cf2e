/** Where an Action.Execute sits in a card: only inside an ActionSet do old clients honour fallback. */
export type ExecutePlacement = 'actionSet' | 'refresh' | 'other';

export interface ExecuteActionSite {
  /** The verb as written in the template (not necessarily a valid CardVerb). */
  verb: unknown;
  /** JSON path of the action, e.g. `$.body[7].actions[0]`. */
  path: string;
  placement: ExecutePlacement;
  /** The action's `fallback` as written, if any. */
  fallback: unknown;
}

/**
 * Lists every Action.Execute in a card or template, wherever it is nested (ActionSets, Action.ShowCard
 * cards, selectAction, refresh). Used by the verb contract tests for cards/ and bot/.
 */
export function findExecuteActions(card: unknown): ExecuteActionSite[] {
  const sites: ExecuteActionSite[] = [];
  visit(card, '$', 'other', sites);
  return sites;
}

function visit(
  node: unknown,
  path: string,
  placement: ExecutePlacement,
  sites: ExecuteActionSite[],
): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => visit(item, `${path}[${index}]`, placement, sites));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record['type'] === 'Action.Execute') {
    sites.push({ verb: record['verb'], path, placement, fallback: record['fallback'] });
  }
  for (const [key, value] of Object.entries(record)) {
    let childPlacement: ExecutePlacement = 'other';
    if (key === 'actions' && record['type'] === 'ActionSet') childPlacement = 'actionSet';
    else if (key === 'action' && path.endsWith('.refresh')) childPlacement = 'refresh';
    visit(value, `${path}.${key}`, childPlacement, sites);
  }
}
