// What Defender for Endpoint knows about a device, in domain words, and the warnings a task card
// shows before someone isolates it or restricts its apps: not seen for more than 7 days, not
// onboarded, or an OS that cannot run the action (selective isolation and app restriction need
// Windows 10 1709+ / Windows Server 2019+; Linux and macOS support full isolation only).
import type { IsolationType, OneClickKind } from './response-action.ts';

export interface DeviceFacts {
  id: string;
  name: string;
  /** Defender's osPlatform, e.g. "Windows11", "WindowsServer2019", "Linux". */
  osPlatform?: string;
  /** e.g. "23H2", "1607", "Ubuntu 22.04". */
  osVersion?: string;
  osBuild?: number;
  /** ISO 8601. */
  lastSeen?: string;
  /** Active, Inactive, ImpairedCommunication, NoSensorData... */
  healthStatus?: string;
  riskScore?: string;
  exposureLevel?: string;
  tags: string[];
  /** Onboarded, CanBeOnboarded, Unsupported, InsufficientInfo. */
  onboardingStatus?: string;
}

/** The facts of a device, or why they could not be read (the card says "details unavailable"). */
export type DeviceLookup =
  { kind: 'facts'; facts: DeviceFacts; containment?: Containment } | { kind: 'unavailable' };

export const STALE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** Oldest Windows client build with selective isolation and app restriction (1709). */
const MIN_WINDOWS_CLIENT_BUILD = 16299;
/** Windows Server 2019 is build 17763. */
const MIN_WINDOWS_SERVER_BUILD = 17763;

export function isStale(facts: DeviceFacts, nowMs: number): boolean {
  const seen = facts.lastSeen === undefined ? NaN : Date.parse(facts.lastSeen);
  return Number.isFinite(seen) && nowMs - seen > STALE_AFTER_MS;
}

export function isOnboarded(facts: DeviceFacts): boolean {
  return facts.onboardingStatus === undefined || facts.onboardingStatus === 'Onboarded';
}

/** Whether the device's OS can run this action; undefined when the OS is not known. */
export function supportsAction(
  facts: DeviceFacts,
  kind: OneClickKind,
  isolationType: IsolationType | undefined,
): boolean | undefined {
  const needsRecentWindows =
    (kind === 'isolateDevice' && isolationType === 'selective') ||
    kind === 'restrictAppExecution' ||
    kind === 'removeAppRestriction';
  if (!needsRecentWindows) return true;
  const platform = facts.osPlatform?.toLowerCase();
  if (!platform) return undefined;
  if (!platform.startsWith('windows')) return false;
  if (facts.osBuild === undefined || facts.osBuild === 0) return undefined;
  const server = platform.startsWith('windowsserver');
  return facts.osBuild >= (server ? MIN_WINDOWS_SERVER_BUILD : MIN_WINDOWS_CLIENT_BUILD);
}

/** Warning lines for running `kind` on the device, most serious first. */
export function deviceWarnings(
  facts: DeviceFacts,
  kind: OneClickKind,
  isolationType: IsolationType | undefined,
  nowMs: number,
): string[] {
  const warnings: string[] = [];
  if (!isOnboarded(facts)) {
    warnings.push(
      `${facts.name} is not onboarded to Defender for Endpoint (${facts.onboardingStatus}): Defender cannot run this action on it.`,
    );
  }
  if (supportsAction(facts, kind, isolationType) === false) {
    const os = [facts.osPlatform, facts.osVersion].filter(Boolean).join(' ');
    warnings.push(
      `${os} does not support ${kind === 'isolateDevice' ? 'selective isolation' : 'app restriction'}: Defender will refuse it.`,
    );
  }
  if (isStale(facts, nowMs)) {
    warnings.push(
      `${facts.name} has not been seen for more than 7 days: the action waits until it comes back online.`,
    );
  }
  return warnings;
}

/** A device's containment now, from its machine actions: who contained it and since when. */
export interface Containment {
  isolated?: { by: string; since?: string; isolationType?: IsolationType };
  restricted?: { by: string; since?: string };
}

/** The slice of a machine action that containment needs (Defender's list maps onto it). */
export interface ContainmentEvent {
  kind: OneClickKind | undefined;
  status: string;
  requestedBy?: string;
  createdAt?: string;
  updatedAt?: string;
  isolationType?: IsolationType;
}

/**
 * Isolated when the latest completed Isolate/Unisolate is an Isolate; restricted likewise for
 * RestrictCodeExecution/UnrestrictCodeExecution. Order by time, not by list position.
 */
export function containmentOf(events: readonly ContainmentEvent[]): Containment {
  const done = events
    .filter((e) => e.status === 'completed')
    .map((e) => ({ e, at: Date.parse(e.updatedAt ?? e.createdAt ?? '') || 0 }))
    .sort((a, b) => b.at - a.at)
    .map(({ e }) => e);
  const containment: Containment = {};
  const isolation = done.find(
    (e) => e.kind === 'isolateDevice' || e.kind === 'releaseFromIsolation',
  );
  if (isolation?.kind === 'isolateDevice') {
    containment.isolated = { by: isolation.requestedBy ?? 'someone in Microsoft Defender' };
    const since = isolation.updatedAt ?? isolation.createdAt;
    if (since) containment.isolated.since = since;
    if (isolation.isolationType) containment.isolated.isolationType = isolation.isolationType;
  }
  const restriction = done.find(
    (e) => e.kind === 'restrictAppExecution' || e.kind === 'removeAppRestriction',
  );
  if (restriction?.kind === 'restrictAppExecution') {
    containment.restricted = { by: restriction.requestedBy ?? 'someone in Microsoft Defender' };
    const since = restriction.updatedAt ?? restriction.createdAt;
    if (since) containment.restricted.since = since;
  }
  return containment;
}
