// How response actions read on cards and in comments: Defender portal words.
import type { Badge } from './card-parts.ts';
import type {
  ActionStatus,
  OneClickAction,
  OneClickKind,
  ResponseAction,
} from '../src/domain/response-action.ts';
import { isOneClick } from '../src/domain/response-action.ts';

const kindLabels: Record<OneClickKind, string> = {
  isolateDevice: 'Isolate device',
  quarantineFile: 'Quarantine file',
  restrictAppExecution: 'Restrict app execution',
  releaseFromIsolation: 'Release from isolation',
  removeAppRestriction: 'Remove app restriction',
};

const statusBadges: Record<ActionStatus, Badge> = {
  pending: { label: 'Pending', color: 'warning' },
  inProgress: { label: 'In progress', color: 'accent' },
  completed: { label: 'Completed', color: 'good' },
  failed: { label: 'Failed', color: 'attention' },
  skipped: { label: 'Skipped', color: 'default' },
};

/** The Run button's title: "Isolate device", "Quarantine file"... */
export function runLabel(action: OneClickAction): string {
  return kindLabels[action.kind];
}

/** e.g. "One-click action · Isolate device (full)" or "Manual action". */
export function kindLabel(action: ResponseAction): string {
  if (!isOneClick(action)) return 'Manual action';
  const isolation = action.kind === 'isolateDevice' ? ` (${action.isolationType ?? 'full'})` : '';
  return `One-click action · ${kindLabels[action.kind]}${isolation}`;
}

export function actionStatusBadge(status: ActionStatus): Badge {
  return statusBadges[status];
}

/** Who moved the action to its current status, and when; undefined while pending. */
export function statusLine(action: ResponseAction): { text: string; at: string } | undefined {
  if (isOneClick(action)) {
    const starter = action.requestedBy?.name;
    const startedAt = action.requestedAt;
    if (action.status === 'inProgress' || action.status === 'failed') {
      return starter && startedAt ? { text: `Started by ${starter}`, at: startedAt } : undefined;
    }
    if (action.status === 'completed' && action.updatedAt) {
      const text = starter ? `Completed · started by ${starter}` : completedBy(action);
      return { text, at: action.updatedAt };
    }
    return undefined;
  }
  if (action.status === 'pending' || !action.updatedAt) return undefined;
  const verb = action.status === 'skipped' ? 'Skipped' : 'Completed';
  return { text: `${verb} by ${action.updatedBy?.name ?? 'someone'}`, at: action.updatedAt };
}

function completedBy(action: ResponseAction): string {
  return `Completed by ${action.updatedBy?.name ?? 'someone'}`;
}

/** "an isolation", "a file quarantine"... for sentences about a running Defender action. */
export function kindNoun(kind: OneClickKind): string {
  switch (kind) {
    case 'isolateDevice':
      return 'an isolation';
    case 'releaseFromIsolation':
      return 'a release from isolation';
    case 'restrictAppExecution':
      return 'an app execution restriction';
    case 'removeAppRestriction':
      return 'a removal of the app restriction';
    case 'quarantineFile':
      return 'a file quarantine';
  }
}
