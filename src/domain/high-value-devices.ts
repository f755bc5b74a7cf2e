// High-value devices: a customer tenant names machine tags (say "HighValue", "Tier 0") whose
// devices must not be cut off by a stray click. Isolating such a device or restricting its apps
// needs a typed confirmation: the person types the device's name, and the server compares it with
// the name Defender for Endpoint gives the device before asking Defender to act.
import { DomainError } from './errors.ts';
import type { DeviceLookup } from './device-facts.ts';
import type { OneClickKind } from './response-action.ts';

/** The actions that cut a device off: the ones a high-value device needs a typed name for. */
const CONTAINING_KINDS: readonly OneClickKind[] = ['isolateDevice', 'restrictAppExecution'];

/** Tags are matched ignoring case and surrounding spaces, as people type them in Teams. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

/** The tenant's high-value tags the device carries, as the device spells them. */
export function highValueTagsOf(
  deviceTags: readonly string[],
  highValueTags: readonly string[],
): string[] {
  const wanted = new Set(highValueTags.map(normalizeTag));
  return deviceTags.filter((tag) => wanted.has(normalizeTag(tag)));
}

/** Why a typed name is asked for, and which name is expected. */
export interface TypedConfirmation {
  /** The name to type: Defender's, or the published one when Defender could not be asked. */
  deviceName: string;
  /** The device's high-value tags; empty when Defender could not say (asked to be safe). */
  tags: string[];
}

/**
 * Whether running `kind` on the device needs a typed confirmation. When the tenant marks devices
 * high-value but Defender cannot say what this device carries, the name is asked anyway (the
 * published name): a Defender outage must not turn the guardrail off.
 */
export function typedConfirmationFor(args: {
  kind: OneClickKind;
  lookup: DeviceLookup | undefined;
  publishedName: string;
  highValueTags: readonly string[];
}): TypedConfirmation | undefined {
  if (!CONTAINING_KINDS.includes(args.kind) || args.highValueTags.length === 0) return undefined;
  if (args.lookup?.kind !== 'facts') return { deviceName: args.publishedName, tags: [] };
  const tags = highValueTagsOf(args.lookup.facts.tags, args.highValueTags);
  if (tags.length === 0) return undefined;
  return { deviceName: args.lookup.facts.name || args.publishedName, tags };
}

/**
 * The typed name names the device: case-insensitive and trimmed; for a DNS name
 * ("contoso-dc-01.contoso.local") its host part ("contoso-dc-01") is accepted too.
 */
export function typedNameMatches(typed: string | undefined, deviceName: string): boolean {
  const got = (typed ?? '').trim().toLowerCase();
  const name = deviceName.trim().toLowerCase();
  if (got === '' || name === '') return false;
  return got === name || got === name.split('.')[0];
}

/** Why a run on a high-value device was refused (audit codes). */
export type TypedConfirmationRefusal = 'DEVICE_NAME_MISSING' | 'DEVICE_NAME_MISMATCH';

export class TypedConfirmationError extends DomainError {
  readonly refusal: TypedConfirmationRefusal;

  constructor(refusal: TypedConfirmationRefusal, confirmation: TypedConfirmation) {
    const name = confirmation.deviceName;
    const why =
      confirmation.tags.length > 0
        ? `${name} is a high-value device (${confirmation.tags.join(', ')})`
        : `Defender could not say whether ${name} is a high-value device`;
    super(
      'INVALID_INPUT',
      refusal === 'DEVICE_NAME_MISSING'
        ? `Refused: ${why}, so its name must be typed to confirm. Type ${name} in the box above the button, then click it again.`
        : `Refused: the name you typed is not ${name}. ${why}: type its name exactly as shown, then click the button again. Nothing was sent to Defender.`,
    );
    this.name = 'TypedConfirmationError';
    this.refusal = refusal;
  }
}

/** Throws the refusal unless `typed` names the device (nothing to check without a confirmation). */
export function assertTypedConfirmation(
  confirmation: TypedConfirmation | undefined,
  typed: string | undefined,
): void {
  if (!confirmation) return;
  if ((typed ?? '').trim() === '') {
    throw new TypedConfirmationError('DEVICE_NAME_MISSING', confirmation);
  }
  if (!typedNameMatches(typed, confirmation.deviceName)) {
    throw new TypedConfirmationError('DEVICE_NAME_MISMATCH', confirmation);
  }
}

/** The id of the card's name box for one action; the click's data carries the typed name under it. */
export function deviceNameInputId(actionId: string): string {
  return `deviceName-${actionId}`;
}
