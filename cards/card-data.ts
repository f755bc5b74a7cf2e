// The data each template binds to. Every field a template references must be present: the renderer
// refuses to leave `${...}` in a card, so optional parts are arrays that may be empty (an element
// whose `$data` is an empty array is dropped), never missing fields.
import type { CardName } from './card-names.ts';
import type { ReportCardData } from './report.ts';

export interface WelcomeCardData {
  /** Who the card greets: the user's display name in a personal chat, the team's name in a channel. */
  recipientName: string;
  /** The customer organisation the experts protect, e.g. "Contoso". */
  organizationName: string;
}

export interface HelpCommand {
  /** What the user types, e.g. "awaiting". */
  name: string;
  description: string;
  /** A complete example line, e.g. "history 2972395". */
  example: string;
}

export interface HelpCardData {
  commands: readonly HelpCommand[];
}

export interface MessageFact {
  title: string;
  value: string;
}

/** Adaptive Card container styles; `attention` for errors and refusals, `good` for confirmations. */
export type MessageStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface MessageCardData {
  title: string;
  text: string;
  style: MessageStyle;
  /** Shown as a fact list under the text; pass [] for none. */
  facts: readonly MessageFact[];
}

// ---------------------------------------------------------------------------------------------
// Incident and managed-response cards.
//
// How the templates show or hide a part without `$when`: the part's element carries
// `"$data": "${part}"` and `part` is an array of zero or one item (ZeroOrOne). adaptivecards-
// templating repeats an element once per item and drops it for an empty array; this works on body
// elements, on facts, on columns, and on the actions inside an ActionSet's `actions` (checked with
// adaptivecards-templating 2.3.1 and the official parser: `$data` is consumed by the templating
// step, the parser never sees it). Inside such an element the scope is the item, so a button's item
// carries the `actionId` it needs: the library has `$root` but no way to reach an enclosing item.
// A button row whose buttons may all be absent is itself wrapped in a ZeroOrOne (`buttons`), so a
// card never holds an empty ActionSet.
//
// Counts appear only inside text the builder writes ("2 pending actions"): pluralising is logic,
// and a number bound alone to `text` is dropped by the parser (it wants a string).
// ---------------------------------------------------------------------------------------------

/** `[]` hides the part of the card bound to it; `[item]` shows it, bound to `item`. */
export type ZeroOrOne<T> = readonly [] | readonly [T];

/** A part whose text is fixed in the template: `[{}]` shows it, `[]` hides it. */
export type Shown = ZeroOrOne<Record<string, never>>;

/** Adaptive Card text colours (the host theme decides the shade). */
export type TextColor = 'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention';

/**
 * An instant as ISO 8601 UTC with whole seconds, e.g. "2026-03-02T09:14:00Z" (use toCardTimestamp).
 * Templates show it with `{{DATE()}}`/`{{TIME()}}`, which Teams renders in the reader's time zone
 * and leaves as raw text when the value has fractional seconds (as Graph's timestamps do).
 */
export type CardTimestamp = string;

/** Graph or Defender timestamp (any ISO 8601) to a CardTimestamp. Throws RangeError if invalid. */
export function toCardTimestamp(iso: string): CardTimestamp {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A coloured word, e.g. severity { label: 'High', color: 'attention' } or a Defender status
 * { label: 'Awaiting Customer Action', color: 'warning' }. Suggested severity colours: High
 * attention, Medium warning, Low accent, Informational default.
 */
export interface Badge {
  label: string;
  color: TextColor;
}

/** incident-notification: the 1:1 card to an incident contact (also reminders and escalations). */
export interface IncidentNotificationCardData {
  tenantId: string;
  incidentId: string;
  /** The customer organisation, e.g. "Contoso" (in "designated incident contact for Contoso"). */
  organizationName: string;
  /** e.g. "3 incidents await your action" (next to a "Show all" button, verb showAwaiting). */
  awaitingBanner: string;
  /** Why this card came again, e.g. "Reminder: still awaiting your action after 4 hours". */
  kicker: ZeroOrOne<{ text: string; color: TextColor }>;
  title: string;
  severity: Badge;
  /** As Defender shows it: "Awaiting Customer Action". */
  status: Badge;
  /** As Defender shows it: "Customer". */
  assignedTo: string;
  /** The experts' investigation summary headline. */
  headline: string;
  /** e.g. "2 pending actions". */
  pendingActionsLabel: string;
  /** The incident in the Microsoft Defender portal. */
  webUrl: string;
}

/** soc-incident: the SOC channel card, one per incident, updated in place. */
export interface SocIncidentCardData {
  tenantId: string;
  incidentId: string;
  title: string;
  severity: Badge;
  /** Defender's status: Active, In progress, Awaiting Customer Action, Resolved. */
  status: Badge;
  /** Defender's Assigned to: "Defender Experts", "Customer", "Unassigned". */
  assignedTo: string;
  /** The same incident as Microsoft Sentinel shows it (New/Active/Resolved, owner, tags). */
  sentinel: {
    status: string;
    owner: string;
    /** e.g. ["Defender Experts", "Awaiting Customer Action"]; [] shows none. */
    tags: readonly string[];
  };
  /** Shown once set, e.g. "False positive". */
  classification: ZeroOrOne<{ label: string }>;
  /** Shown once set, e.g. "Not malicious". */
  determination: ZeroOrOne<{ label: string }>;
  /** The experts' latest comment: their conclusion when they resolve as false positive or informational. */
  expertsComment: ZeroOrOne<{ text: string; author: string; at: CardTimestamp }>;
  /** e.g. { label: "2 of 3" }, shown as "Pending actions: 2 of 3". */
  pendingActions: ZeroOrOne<{ label: string }>;
  lastUpdatedAt: CardTimestamp;
  /** The "View managed response" button: only when the experts published one. */
  viewButton: Shown;
  webUrl: string;
}

/** soc-incident-step: the one-line reply under the channel card for each step. */
export interface SocIncidentStepCardData {
  /** e.g. "Experts started investigating", "Resolved as False positive (Not malicious)". */
  text: string;
  at: CardTimestamp;
  /** `good` for resolutions, `warning` for awaiting, `attention` for failures, else `default`. */
  color: TextColor;
}

export interface AwaitingIncidentRow {
  incidentId: string;
  title: string;
  severity: Badge;
  /** When the incident moved to Awaiting Customer Action. */
  awaitingSince: CardTimestamp;
  /** e.g. "2 pending actions". */
  pendingActionsLabel: string;
}

/** awaiting-queue: the incidents awaiting the customer, newest first. */
export interface AwaitingQueueCardData {
  tenantId: string;
  organizationName: string;
  /** e.g. "3 incidents await Contoso's action", or "No incidents await Contoso's action". */
  heading: string;
  /** Newest first; the builder caps the list (see the size note in the report). */
  incidents: readonly AwaitingIncidentRow[];
  /** The "nothing awaits you" line: [{}] when `incidents` is empty. */
  emptyState: Shown;
}

/**
 * A list split by the builder: `visible` is shown, `folded` (zero or one group) sits behind a
 * "Show N more" toggle. `count` is the number of folded items.
 */
export interface FoldedList<T> {
  visible: readonly T[];
  folded: ZeroOrOne<{ count: number; items: readonly T[] }>;
}

export interface TimelineRow {
  at: CardTimestamp;
  device: string;
  event: string;
}

export interface IndicatorRow {
  /** e.g. "file", "ip", "url", "process", "technique". */
  type: string;
  value: string;
  description: ZeroOrOne<{ text: string }>;
}

/** investigation-summary: the experts' investigation summary. */
export interface InvestigationSummaryCardData {
  incidentId: string;
  title: string;
  severity: Badge;
  potentialImpact: string;
  headline: string;
  /** The narrative's first part, and the rest behind "Show more". */
  narrative: { visible: string; folded: ZeroOrOne<{ text: string }> };
  /** Each section is hidden entirely when `[]`. */
  timeline: ZeroOrOne<FoldedList<TimelineRow>>;
  indicatorsOfAttack: ZeroOrOne<FoldedList<IndicatorRow>>;
  indicatorsOfCompromise: ZeroOrOne<FoldedList<IndicatorRow>>;
  webUrl: string;
}

/** A button on one action's task card. `enabled: false` greys it out (Security Reader). */
export interface ActionButton {
  actionId: string;
  enabled: boolean;
}

/** The one-click Run button, titled with the action: "Isolate device", "Quarantine file"... */
export interface RunButton extends ActionButton {
  label: string;
}

/** The buttons of a task card outside a confirmation step; at least one should be present. */
export interface ActionButtons {
  run: ZeroOrOne<RunButton>;
  /** "Retry", for a failed one-click action. */
  retry: ZeroOrOne<ActionButton>;
  /** "I've completed this action" (manual), opens the confirmation step. */
  complete: ZeroOrOne<ActionButton>;
  /** "Skip", opens the confirmation step. */
  skip: ZeroOrOne<ActionButton>;
}

/** One response action as a task card. */
export interface ActionTask {
  /** Unique in the card and safe in an element id (letters, digits, '-', '_'): it names `details-<id>`. */
  id: string;
  title: string;
  /** e.g. "One-click action · Isolate device (full)" or "Manual action". */
  kindLabel: string;
  /** Pending warning, In progress accent, Completed good, Failed attention, Skipped default. */
  status: Badge;
  /** What to do and why. */
  description: string;
  device: ZeroOrOne<{ name: string; id: string }>;
  file: ZeroOrOne<{ name: string; sha1: string }>;
  impact: ZeroOrOne<{ text: string }>;
  /** Who started, completed or skipped it, e.g. { text: "Started by Adele Vance", at }. */
  statusLine: ZeroOrOne<{ text: string; at: CardTimestamp }>;
  /** Defender's failure reason. */
  failureReason: ZeroOrOne<{ text: string }>;
  buttons: ZeroOrOne<ActionButtons>;
  /** The step after "I've completed this action": "Yes, I've done it" and "Cancel". */
  confirmComplete: ZeroOrOne<ActionButton>;
  /** The step after "Skip": "Yes, skip this action" and "Cancel". */
  confirmSkip: ZeroOrOne<ActionButton>;
}

/** response-actions: the Actions card, rendered per user (refresh) and for everyone (base card). */
export interface ResponseActionsCardData {
  incidentId: string;
  title: string;
  severity: Badge;
  status: Badge;
  /** "Resolved — False positive (Not malicious)" at the top. */
  resolution: ZeroOrOne<{ classification: string; determination: string }>;
  /** An outcome or refusal, e.g. "Refused: this action belongs to another incident". */
  banner: ZeroOrOne<{ text: string; style: MessageStyle }>;
  /** "You have Security Reader access: ask a Security Operator to run these actions." */
  readerNotice: Shown;
  /** "All actions are done: the incident is back with the experts." */
  handBack: Shown;
  pendingActions: readonly ActionTask[];
  /** "No pending actions." when pendingActions is empty. */
  noPendingActions: Shown;
  completedActions: readonly ActionTask[];
  /** "No completed actions yet." when completedActions is empty. */
  noCompletedActions: Shown;
  /** User MRIs ("29:...") whose clients refresh automatically: at most 60; [] means none. */
  refreshUserIds: readonly string[];
  webUrl: string;
}

/** chat-header: the experts-side thread header for an incident with customer conversation. */
export interface ChatHeaderCardData {
  organizationName: string;
  tenantId: string;
  incidentId: string;
  title: string;
  severity: Badge;
  status: Badge;
  /** e.g. { label: "2 of 3" }. */
  pendingActions: ZeroOrOne<{ label: string }>;
  webUrl: string;
}

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
  welcome: WelcomeCardData;
}

/**
 * Maps each card name to the data its template binds to. Indexing by CardName makes the compiler
 * reject a name in cardNames that has no entry in CardDataByName (add one with each new template).
 */
export type CardData = { [N in CardName]: CardDataByName[N] };
