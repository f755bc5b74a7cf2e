// One response action as a task card inside response-actions.json, with its buttons.
import type { Badge, CardTimestamp, ZeroOrOne } from './card-parts.ts';

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
