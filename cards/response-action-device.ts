// The device part of a pending one-click task card: Defender's facts on one line, when it was
// last seen (relative and absolute), warnings (stale, not onboarded, unsupported OS), and a Run
// button label that says what will happen. "Device details unavailable" when Defender failed.
import {
  type Containment,
  deviceWarnings,
  isStale,
  type DeviceFacts,
  type DeviceLookup,
} from '../src/domain/device-facts.ts';
import type { OneClickAction } from '../src/domain/response-action.ts';
import { toCardTimestamp, type CardTimestamp, type Shown, type ZeroOrOne } from './card-parts.ts';
import { truncate } from './card-text.ts';

export interface DeviceView {
  /** e.g. "Windows11 23H2 · Health Active · Risk Medium · Exposure Low · Onboarded · Tags: VIP". */
  facts: ZeroOrOne<{ text: string }>;
  /** "Last seen 3 h ago" and the instant (the template shows it in the reader's time zone). */
  seen: ZeroOrOne<{ relative: string; at: CardTimestamp }>;
  warnings: readonly { text: string }[];
  /** "Already isolated (full) by Automated investigation since …": the action is not offered again. */
  contained: ZeroOrOne<{ text: string }>;
  unavailable: Shown;
  /** The Run button's title when the device is known, e.g. "Isolate prod-server-01 (full)". */
  runLabel: string | undefined;
}

const none: DeviceView = {
  facts: [],
  seen: [],
  warnings: [],
  contained: [],
  unavailable: [],
  runLabel: undefined,
};

export function deviceView(
  action: OneClickAction | undefined,
  devices: { lookups: ReadonlyMap<string, DeviceLookup>; nowMs: number } | undefined,
): DeviceView {
  if (!action || !devices || action.target.kind === 'none') return none;
  const lookup = devices.lookups.get(action.target.deviceId);
  if (!lookup) return none;
  if (lookup.kind === 'unavailable') return { ...none, unavailable: [{}] };
  const { facts } = lookup;
  const contained = containedLine(action, lookup.containment);
  const seenAt = facts.lastSeen ? Date.parse(facts.lastSeen) : NaN;
  return {
    facts: [{ text: truncate(factsLine(facts), 300) }],
    seen: Number.isFinite(seenAt)
      ? [
          {
            relative: `Last seen ${ago(devices.nowMs - seenAt)}`,
            at: toCardTimestamp(facts.lastSeen ?? ''),
          },
        ]
      : [],
    warnings: deviceWarnings(facts, action.kind, action.isolationType, devices.nowMs).map(
      (text) => ({ text }),
    ),
    contained: contained ? [{ text: contained }] : [],
    unavailable: [],
    runLabel: contained ? undefined : runLabelFor(action, facts, isStale(facts, devices.nowMs)),
  };
}

/** Whether the device already is in the state this action would put it in, said in words. */
function containedLine(
  action: OneClickAction,
  containment: Containment | undefined,
): string | undefined {
  if (action.kind === 'isolateDevice' && containment?.isolated) {
    const { by, since, isolationType } = containment.isolated;
    const type = isolationType ? ` (${isolationType})` : '';
    return `Already isolated${type} by ${truncate(by, 80)}${sinceText(since)}: Defender is not asked to do it again.`;
  }
  if (action.kind === 'restrictAppExecution' && containment?.restricted) {
    const { by, since } = containment.restricted;
    return `Apps already restricted by ${truncate(by, 80)}${sinceText(since)}: Defender is not asked to do it again.`;
  }
  return undefined;
}

function sinceText(iso: string | undefined): string {
  if (iso === undefined || !Number.isFinite(Date.parse(iso))) return '';
  const stamp = toCardTimestamp(iso);
  return ` since {{DATE(${stamp}, SHORT)}} {{TIME(${stamp})}}`;
}

function factsLine(facts: DeviceFacts): string {
  const os = [facts.osPlatform, facts.osVersion].filter(Boolean).join(' ');
  const parts = [
    os,
    facts.healthStatus && `Health ${facts.healthStatus}`,
    facts.riskScore && `Risk ${facts.riskScore}`,
    facts.exposureLevel && `Exposure ${facts.exposureLevel}`,
    facts.onboardingStatus,
    facts.tags.length > 0 && `Tags: ${facts.tags.join(', ')}`,
  ];
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');
}

function runLabelFor(
  action: OneClickAction,
  facts: DeviceFacts,
  stale: boolean,
): string | undefined {
  const name = truncate(facts.name, 40);
  const later = stale ? ' when it is back online' : '';
  switch (action.kind) {
    case 'isolateDevice':
      return `Isolate ${name} (${action.isolationType ?? 'full'})${later}`;
    case 'restrictAppExecution':
      return `Restrict apps on ${name}${later}`;
    case 'releaseFromIsolation':
      return `Release ${name} from isolation${later}`;
    case 'removeAppRestriction':
      return `Remove app restriction on ${name}${later}`;
    case 'quarantineFile':
      return undefined;
  }
}

/** "just now", "5 min ago", "3 h ago", "12 days ago". */
export function ago(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
