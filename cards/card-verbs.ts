// Every `Action.Execute` verb used in cards/*.json. The verb string is the contract between a
// template and its handler in bot/: test/cards checks this list against the templates, and the
// bot's handler table is typed by CardVerb.
export const cardVerbs = [
  'showHelp',
  'viewManagedResponse',
  'showAwaiting',
  'runAction',
  'retryAction',
  'requestComplete',
  'confirmComplete',
  'requestSkip',
  'confirmSkip',
  'cancelConfirmation',
  'requestUndo',
  'confirmUndo',
  'keepContained',
  'requestRelease',
  'confirmRelease',
  'cancelRelease',
  'refreshManagedResponse',
  'chatWithExperts',
  'claimIncident',
  'releaseClaim',
] as const;

export type CardVerb = (typeof cardVerbs)[number];

export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (cardVerbs as readonly string[]).includes(value);
}

/**
 * The keys of each verb's `data` in the templates: ids only, because the server trusts nothing
 * else from a card (it loads the incident and action, and authorises the user). test/cards checks
 * every Action.Execute against this table. `requestComplete`/`requestSkip` open a confirmation
 * step, `cancelConfirmation` closes it, `refreshManagedResponse` is the response-actions refresh.
 */
export const cardVerbDataKeys = {
  showHelp: [],
  viewManagedResponse: ['tenantId', 'incidentId'],
  showAwaiting: [],
  runAction: ['incidentId', 'actionId'],
  retryAction: ['incidentId', 'actionId'],
  requestComplete: ['incidentId', 'actionId'],
  confirmComplete: ['incidentId', 'actionId'],
  requestSkip: ['incidentId', 'actionId'],
  confirmSkip: ['incidentId', 'actionId'],
  cancelConfirmation: ['incidentId', 'actionId'],
  requestUndo: ['incidentId', 'actionId'],
  confirmUndo: ['incidentId', 'actionId'],
  keepContained: ['incidentId', 'actionId'],
  requestRelease: ['incidentId', 'actionId'],
  confirmRelease: ['incidentId', 'actionId'],
  cancelRelease: ['incidentId', 'actionId'],
  refreshManagedResponse: ['incidentId'],
  chatWithExperts: ['incidentId'],
  claimIncident: ['incidentId'],
  releaseClaim: ['incidentId'],
} as const satisfies Record<CardVerb, readonly string[]>;
