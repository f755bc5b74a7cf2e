// The high-value part of a pending task card: why the device's name must be typed (its high-value
// tags, or that Defender could not say) and, for a Security Operator, the box to type it in. The
// server checks the typed name again before it asks Defender anything (high-value-guard.ts).
import type { DeviceLookup } from '../src/domain/device-facts.ts';
import { deviceNameInputId, typedConfirmationFor } from '../src/domain/high-value-devices.ts';
import type { OneClickAction } from '../src/domain/response-action.ts';
import type { ZeroOrOne } from './card-parts.ts';
import { truncate } from './card-text.ts';

export interface HighValueView {
  /** "contoso-dc-01 is a high-value device (HighValue, Tier 0): type its name to isolate it." */
  note: ZeroOrOne<{ text: string }>;
  /** The Input.Text the typed name comes from (operators only: readers cannot act). */
  input: ZeroOrOne<{ id: string; label: string; placeholder: string }>;
}

const none: HighValueView = { note: [], input: [] };

export function highValueView(
  action: OneClickAction,
  devices:
    { lookups: ReadonlyMap<string, DeviceLookup>; highValueTags?: readonly string[] } | undefined,
  operator: boolean,
): HighValueView {
  const tags = devices?.highValueTags ?? [];
  if (!devices || tags.length === 0 || action.target.kind === 'none') return none;
  const confirmation = typedConfirmationFor({
    kind: action.kind,
    lookup: devices.lookups.get(action.target.deviceId),
    publishedName: action.target.deviceName,
    highValueTags: tags,
  });
  if (!confirmation) return none;
  const name = truncate(confirmation.deviceName, 80);
  const doing = action.kind === 'isolateDevice' ? 'isolate it' : 'restrict its apps';
  const why =
    confirmation.tags.length > 0
      ? `${name} is a high-value device for your organisation (${truncate(confirmation.tags.join(', '), 120)})`
      : `Defender could not say whether ${name} is a high-value device`;
  const who = operator ? 'type its name below' : 'a Security Operator must type its name';
  return {
    note: [{ text: `🔒 ${why}: to ${doing}, ${who} to confirm.` }],
    input: operator
      ? [
          {
            id: deviceNameInputId(action.id),
            label: `Device name (${name})`,
            placeholder: 'Type the device name',
          },
        ]
      : [],
  };
}
