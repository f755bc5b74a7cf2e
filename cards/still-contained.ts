// still-contained.json: "prod-server-01 has been isolated for 24 h", sent to the incident's
// contacts and SOC channels while a device a managed response contained stays so, with Release
// from isolation (the undo path of the Actions card: requestUndo) and Keep isolated.
import type { ContainmentReminder, ReleaseProgress } from '../src/domain/containment-reminder.ts';
import { containedForText, keptThisRound } from '../src/domain/containment-reminder.ts';
import type { Incident } from '../src/domain/incident.ts';
import type { AdaptiveCard } from './adaptive-card.ts';
import { toCardTimestamp, type CardTimestamp, type ZeroOrOne } from './card-parts.ts';
import { truncate } from './card-text.ts';
import type { MessageStyle } from './message.ts';
import { renderCard } from './render-card.ts';

export interface StillContainedCardData {
  incidentId: string;
  actionId: string;
  /** "prod-server-01 has been isolated for 24 h". */
  title: string;
  /** "Incident 2972403 · Ransomware staging on prod-server-01". */
  incidentLine: string;
  /** "Isolated by Alex Wilber since" + containedAt. */
  containedLine: string;
  containedAt: CardTimestamp;
  /** "Kept isolated by Adele Vance at" + at + "; asked again" + nextAt: kept in this round. */
  keptLine: ZeroOrOne<{ text: string; at: CardTimestamp; nextAt: CardTimestamp }>;
  /** "Last kept isolated by Adele Vance at" + at: kept in an earlier round (or before a release). */
  earlierKeptLine: ZeroOrOne<{ text: string; at: CardTimestamp }>;
  banner: ZeroOrOne<{ text: string; style: MessageStyle }>;
  /** "Release requested by Alex Wilber at" + at + ": in progress…" once the undo exists. */
  releaseLine: ZeroOrOne<{ text: string; at: CardTimestamp; status: string }>;
  question: string;
  /** The confirmation step of Release from isolation, in this card: Yes, release / Cancel. */
  confirmRelease: ZeroOrOne<{ question: string; yes: string }>;
  /** When not kept in this round (the kept line says it then). */
  nextAsk: ZeroOrOne<{ at: CardTimestamp }>;
  release: ZeroOrOne<{ label: string; enabled: boolean }>;
  /** Not offered again once kept, until the next round asks. */
  keep: ZeroOrOne<{ label: string; enabled: boolean }>;
  deviceUrl: string;
}

export interface StillContainedInput {
  reminder: ContainmentReminder;
  incident: Incident | undefined;
  nowMs: number;
  /** Security Readers see the buttons greyed (the server refuses them anyway). */
  enabled: boolean;
  banner?: { text: string; style: MessageStyle };
  /** No buttons once the device is released. */
  released?: boolean;
  /** Ask "Release … from isolation?" with Yes / Cancel instead of the buttons. */
  confirmRelease?: boolean;
  /** The undo the customer asked for, if any (managed response's action). */
  release?: ReleaseProgress;
}

export function stillContainedCardData(input: StillContainedInput): StillContainedCardData {
  const { reminder, incident } = input;
  const isolation = reminder.kind === 'isolateDevice';
  const device = truncate(reminder.deviceName, 80);
  const since = Date.parse(reminder.containedSince);
  const duration = containedForText(input.nowMs - since);
  const by = reminder.containedBy ? ` by ${truncate(reminder.containedBy, 80)}` : '';
  const { release } = input;
  const live = !input.released && !reminder.stopped && release?.status !== 'completed';
  const releasing = release?.status === 'pending' || release?.status === 'inProgress';
  // One undo per action: after a failed one, Retry is on the managed response's task card.
  const buttons = live && !releasing && !input.confirmRelease;
  const enabled = input.enabled;
  const keptNow = live && keptThisRound(reminder);
  const kept = reminder.keptBy && {
    what: `${isolation ? 'isolated' : 'restricted'} by ${truncate(reminder.keptBy.name, 80)} at`,
    at: toCardTimestamp(reminder.keptBy.at),
  };
  return {
    incidentId: reminder.incidentId,
    actionId: reminder.actionId,
    title: isolation
      ? `${device} has been isolated for ${duration}`
      : `${device} has had its apps restricted for ${duration}`,
    incidentLine: truncate(
      `Incident ${reminder.incidentId}${incident?.title ? ` · ${incident.title}` : ''}`,
      200,
    ),
    containedLine: `${isolation ? 'Isolated' : 'App execution restricted'}${by} since`,
    containedAt: toCardTimestamp(reminder.containedSince),
    keptLine:
      kept && keptNow
        ? [{ text: `Kept ${kept.what}`, at: kept.at, nextAt: toCardTimestamp(reminder.dueAt) }]
        : [],
    earlierKeptLine:
      kept && !keptNow
        ? [{ text: `${live ? 'Last kept' : 'Kept'} ${kept.what}`, at: kept.at }]
        : [],
    banner: input.banner ? [input.banner] : [],
    question: isolation
      ? `Is the isolation still needed? ${device} stays cut off from the network until someone releases it.`
      : `Is the restriction still needed? Only Microsoft-signed apps run on ${device} until someone removes it.`,
    releaseLine: release ? [releaseLine(release, isolation, device, input.nowMs)] : [],
    confirmRelease:
      live && !release && input.confirmRelease
        ? [
            isolation
              ? {
                  question: `Release ${device} from isolation? It gets its network connections back.`,
                  yes: 'Yes, release',
                }
              : {
                  question: `Remove the app restriction on ${device}? Every app may run on it again.`,
                  yes: 'Yes, remove it',
                },
          ]
        : [],
    nextAsk: live && !keptNow && !releasing ? [{ at: toCardTimestamp(reminder.dueAt) }] : [],
    release:
      buttons && !release
        ? [{ label: isolation ? 'Release from isolation' : 'Remove app restriction', enabled }]
        : [],
    keep:
      buttons && !keptNow
        ? [{ label: isolation ? 'Keep isolated' : 'Keep restricted', enabled }]
        : [],
    deviceUrl: `https://security.microsoft.com/machines/v2/${encodeURIComponent(reminder.deviceId)}?tid=${reminder.tenantId}`,
  };
}

function releaseLine(
  release: ReleaseProgress,
  isolation: boolean,
  device: string,
  nowMs: number,
): StillContainedCardData['releaseLine'][number] {
  const what = isolation ? 'Release' : 'Removal of the app restriction';
  const by = release.by ? ` by ${truncate(release.by, 80)}` : '';
  const status = {
    pending: `in progress: Defender is ${isolation ? 'releasing' : 'lifting the restriction on'} ${device}.`,
    inProgress: `in progress: Defender is ${isolation ? 'releasing' : 'lifting the restriction on'} ${device}.`,
    completed: isolation ? 'released.' : 'restriction removed.',
    failed: `failed${release.failureReason ? ` (${truncate(release.failureReason, 200)})` : ''}. Retry it on the managed response's task card.`,
  }[release.status];
  return {
    text: `${what} requested${by} at`,
    at: toCardTimestamp(release.at ?? new Date(nowMs).toISOString()),
    status,
  };
}

export function renderStillContainedCard(input: StillContainedInput): AdaptiveCard {
  return renderCard('still-contained', stillContainedCardData(input));
}
