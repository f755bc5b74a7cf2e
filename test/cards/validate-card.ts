// Checks a finished card with the official Adaptive Cards parser, the closest thing to what Teams
// does with it (there is no official JSON schema on npm). The UMD bundle parses in Node without a
// DOM: only rendering needs one, and these checks never render.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';
import { cardSizeBytes, maxCardBytes } from '../../cards/card-size.ts';
import type { AdaptiveCard } from '../../cards/adaptive-card.ts';
import { registryWithTeamsCharts } from './teams-charts.ts';

const AC = createRequire(import.meta.url)(
  'adaptivecards/dist/adaptivecards.js',
) as typeof AdaptiveCards;

// Teams knows the Adaptive Card chart elements; the parser learns them here (teams-charts.ts).
const teamsElements = registryWithTeamsCharts();

export interface CardValidation {
  /** Parse and validation events of the official parser, plus properties it does not know. */
  problems: string[];
  version: string | undefined;
  sizeBytes: number;
}

/** Validates the card as Teams gets it: Teams' chart elements are known elements. */
export function validateCard(card: AdaptiveCard): CardValidation {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  context.setElementRegistry(teamsElements);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let index = 0; index < context.eventCount; index++) {
    problems.push(describe(context.getEventAt(index)));
  }
  for (const event of parsed.validateProperties().validationEvents) problems.push(describe(event));
  problems.push(...unknownProperties(card, '$'));
  return { problems, version: parsed.version?.toString(), sizeBytes: cardSizeBytes(card) };
}

/** Fails the test unless the card parses cleanly as Adaptive Card 1.5 within the Teams budget. */
export function assertValidCard(card: AdaptiveCard): void {
  const { problems, version, sizeBytes } = validateCard(card);
  assert.deepEqual(problems, [], 'the official Adaptive Cards parser reported problems');
  assert.equal(card.version, '1.5', 'Teams supports Adaptive Cards up to 1.5');
  assert.equal(version, '1.5');
  assert.ok(sizeBytes < maxCardBytes, `card is ${sizeBytes} bytes, budget ${maxCardBytes}`);
}

function describe(event: AdaptiveCards.IValidationEvent): string {
  return `${AC.ValidationPhase[event.phase]} ${AC.ValidationEvent[event.event]}: ${event.message}`;
}

// The parser silently ignores properties it does not know, so a typo such as "wrapp" would pass.
// Each typed object's keys are compared with the property schema of its registered class. The
// keys below are parsed by hand in the library (collections, fallback) or are Teams extensions.
const structuralKeys = new Set([
  'type',
  'fallback',
  'body',
  'actions',
  'items',
  'columns',
  'rows',
  'cells',
  'facts',
  'images',
  'choices',
  'inlines',
  'card',
  'targetElements',
  'msteams',
]);

function unknownProperties(node: unknown, path: string): string[] {
  if (Array.isArray(node)) {
    return node.flatMap((item, index) => unknownProperties(item, `${path}[${index}]`));
  }
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const found: string[] = [];
  const known = knownPropertyNames(record['type']);
  if (known) {
    for (const key of Object.keys(record)) {
      if (!known.has(key) && !structuralKeys.has(key)) {
        found.push(`Unknown property "${key}" on ${String(record['type'])} at ${path}`);
      }
    }
  }
  for (const [key, value] of Object.entries(record)) {
    found.push(...unknownProperties(value, `${path}.${key}`));
  }
  return found;
}

const schemaCache = new Map<string, Set<string> | undefined>();

function knownPropertyNames(type: unknown): Set<string> | undefined {
  if (typeof type !== 'string') return undefined;
  if (schemaCache.has(type)) return schemaCache.get(type);
  const instance =
    type === 'AdaptiveCard'
      ? new AC.AdaptiveCard()
      : (teamsElements.createInstance(type, AC.Versions.v1_5) ??
        AC.GlobalRegistry.actions.createInstance(type, AC.Versions.v1_5));
  let names: Set<string> | undefined;
  if (instance) {
    const schema = instance.getSchema();
    names = new Set<string>();
    for (let index = 0; index < schema.getCount(); index++) names.add(schema.getItemAt(index).name);
  }
  schemaCache.set(type, names);
  return names;
}

export interface FallbackView {
  /** Element types the parser did not know (each replaced by its fallback, or dropped). */
  unknownTypes: string[];
  /** Every other parse or validation problem. */
  problems: string[];
  /** The card as the parser holds it after falling back, serialised again. */
  card: AdaptiveCard;
}

/**
 * Parses the card as a host without Teams' chart elements does (the official renderer's own
 * registry, as in the Agents Playground and older clients): unknown elements fall back.
 */
export function fallbackView(card: AdaptiveCard): FallbackView {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const unknownTypes: string[] = [];
  const problems: string[] = [];
  for (let index = 0; index < context.eventCount; index++) {
    const event = context.getEventAt(index);
    const unknown = /^Unknown element type "(.*)"/i.exec(event.message);
    if (event.event === AC.ValidationEvent.UnknownElementType && unknown?.[1]) {
      unknownTypes.push(unknown[1]);
    } else {
      problems.push(describe(event));
    }
  }
  for (const event of parsed.validateProperties().validationEvents) problems.push(describe(event));
  return { unknownTypes, problems, card: parsed.toJSON(context) as AdaptiveCard };
}
