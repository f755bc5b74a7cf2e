// The building blocks every card's data is made of: optional parts, badges, timestamps, folded
// lists. Each card's own data type lives beside its template (cards/<name>.ts).
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

/**
 * A list split by the builder: `visible` is shown, `folded` (zero or one group) sits behind a
 * "Show N more" toggle. `count` is the number of folded items.
 */
export interface FoldedList<T> {
  visible: readonly T[];
  folded: ZeroOrOne<{ count: number; items: readonly T[] }>;
}
